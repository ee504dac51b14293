import type { Repositories, UnitOfWork } from './unit-of-work.js';
import type { WorkSignal } from './work-queue.js';

export interface StoreCapabilities {
  /** Human-readable backend name, e.g. "sqlite". */
  dialect: string;
  /** Whether independent processes can claim work concurrently without a single writer. */
  concurrentWriters: boolean;
  /** Whether idle workers are woken by a push notification instead of polling. */
  pushNotifications: boolean;
}

/** Everything a backend provides; `reads` runs outside a transaction. */
export interface Store {
  reads: Repositories;
  unitOfWork: UnitOfWork;
  workSignal: WorkSignal;
  capabilities: StoreCapabilities;
  /** Answers when the database is reachable; throws otherwise. */
  ping(): Promise<void>;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}
