import type { StoreCapabilities } from '@steptrail/domain';

export const sqliteCapabilities: StoreCapabilities = {
  dialect: 'sqlite',
  // One writer at a time: every transaction is BEGIN IMMEDIATE, other processes wait on the busy timeout.
  concurrentWriters: false,
  // No server to push notifications; idle workers of other processes poll.
  pushNotifications: false,
};
