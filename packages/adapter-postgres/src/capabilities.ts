import type { DialectCapabilities } from '@steptrail/persistence-typeorm';

/** What PostgreSQL can do, as the core reads it (see Dialect in @steptrail/persistence-typeorm). */
export const postgresCapabilities = {
  // Row locks (FOR NO KEY UPDATE, SKIP LOCKED) let any number of processes write and claim at once.
  serializedWriters: false,
  // There is no driver-level insert id: ids come back in RETURNING rows.
  returningId: true,
  returningIds: true,
  // PostgreSQL sorts window partitions fast enough that a text key would only cost its formatting.
  foldStrategy: 'window',
  // A server would spend on building the JSON what the client saves.
  jsonRowAggregation: false,
  // Claims announce with pg_notify; idle workers of every process LISTEN and wake at commit.
  wakeups: 'notify',
  timestamps: 'native',
  longestInList: Number.POSITIVE_INFINITY,
} as const satisfies DialectCapabilities;
