import type { StoreCapabilities } from '@steptrail/domain';

export const postgresCapabilities: StoreCapabilities = {
  dialect: 'postgres',
  // Row locks (FOR NO KEY UPDATE, SKIP LOCKED) let any number of processes write and claim at once.
  concurrentWriters: true,
  // Claims announce with pg_notify; idle workers of every process LISTEN and wake at commit.
  pushNotifications: true,
};
