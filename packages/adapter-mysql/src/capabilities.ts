import type { DialectCapabilities } from '@steptrail/persistence-typeorm';

/** What MySQL 8 and MariaDB 10.6+ can do, as the core reads it (see Dialect in @steptrail/persistence-typeorm). */
export const mysqlCapabilities = {
  // Row locks (FOR UPDATE, SKIP LOCKED) let many processes on many machines write and claim at once.
  serializedWriters: false,
  // mysql2 reports the first id of an insert; MySQL has no RETURNING, so a multi-row insert derives the others
  // (see requireUnitAutoIncrement).
  returningId: false,
  returningIds: false,
  // MariaDB sorts window partitions slowly: MAX over a key (microsecond time text, zero-padded id) is 4-5× faster.
  foldStrategy: 'eventKey',
  // A server would spend on building the JSON what the client saves.
  jsonRowAggregation: false,
  // MySQL and MariaDB have no LISTEN/NOTIFY; idle workers of other processes poll.
  wakeups: 'poll',
  timestamps: 'native',
  // in_predicate_conversion_threshold (1000 by default) makes MariaDB answer longer lists with a derived table.
  longestInList: 999,
} as const satisfies DialectCapabilities;
