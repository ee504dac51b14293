import type { StoreCapabilities } from '@steptrail/domain';

export const mysqlCapabilities: StoreCapabilities = {
  dialect: 'mysql',
  // Row locks (FOR UPDATE, SKIP LOCKED) let many processes on many machines write and claim at once.
  concurrentWriters: true,
  // MySQL and MariaDB have no LISTEN/NOTIFY; idle workers of other processes poll.
  pushNotifications: false,
};
