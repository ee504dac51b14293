import type { EventReceiptStore } from './event-receipt-store.js';
import type { ChangeSink } from './step-observer.js';
import type { StallStore } from './stall-store.js';
import type { BulkOperationStore } from './bulk-operation-store.js';
import type { FileRepository } from './file-repository.js';
import type { LegacyMigrationStore } from './legacy-migration-store.js';
import type { LogRepository } from './log-repository.js';
import type { LogRetentionStore } from './log-retention-store.js';
import type { RollupReconcileStore } from './rollup-reconcile-store.js';
import type { StepRepository } from './step-repository.js';
import type { StepStatistics } from './step-statistics.js';
import type { WebhookStore } from './webhook-store.js';
import type { WorkQueue } from './work-queue.js';

/** The repositories bound to one transaction (or to autocommit reads outside one). */
export interface Repositories {
  files: FileRepository;
  steps: StepRepository;
  logs: LogRepository;
  queue: WorkQueue;
  legacy: LegacyMigrationStore;
  retention: LogRetentionStore;
  statistics: StepStatistics;
  reconcile: RollupReconcileStore;
  receipts: EventReceiptStore;
  stalls: StallStore;
  /** Where a transaction's step changes go for metrics, when its unit of work is observed (observedUnitOfWork). */
  changes?: ChangeSink;
  bulk: BulkOperationStore;
  webhooks: WebhookStore;
}

export interface UnitOfWork {
  /**
   * Runs `work` in one transaction: commits when it resolves, rolls back when it throws. A deadlock or
   * serialization failure rolls back and runs `work` again, a bounded number of times.
   */
  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T>;
}
