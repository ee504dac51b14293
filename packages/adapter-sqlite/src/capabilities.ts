import type { DialectCapabilities } from '@steptrail/persistence-typeorm';

/** What SQLite can do, as the core reads it (see Dialect in @steptrail/persistence-typeorm). */
export const sqliteCapabilities = {
  // One writer at a time: every transaction is BEGIN IMMEDIATE, other processes wait on the busy timeout.
  serializedWriters: true,
  // better-sqlite3 reports the rowid of a one-row insert, but only the last rowid of a multi-row one; RETURNING
  // (SQLite 3.35+) gives them all.
  returningId: false,
  returningIds: true,
  // Timestamps are text whose order is time order, so MAX over a padded key finds the last event in one pass.
  foldStrategy: 'eventKey',
  // 20,000 fold rows: 29 ms as row objects, 10 ms as one JSON text parsed here (better-sqlite3, median of 15).
  jsonRowAggregation: true,
  // No server to push notifications; idle workers of other processes poll.
  wakeups: 'poll',
  timestamps: 'text',
  longestInList: Number.POSITIVE_INFINITY,
} as const satisfies DialectCapabilities;
