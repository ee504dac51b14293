import type { LogEntry } from '../events/step-event.js';
import type { FileRecord, StoredStep } from '../files/file-record.js';
import type { EventReceipt } from '../ports/event-receipt-store.js';
import type { BulkFileResult, BulkOperation } from '../bulk/bulk-operation.js';
import type { DeliveryAttempt, WebhookDelivery, WebhookSubscription } from '../ports/webhook-store.js';
import type { CandidateMode, MigrationProgress } from '../ports/legacy-migration-store.js';
import type { ReconcileState } from '../ports/rollup-reconcile-store.js';
import { emptyCursor } from '../reconcile/reconcile-cursor.js';

/** Everything the in-memory store holds; cloned to give transactions rollback. */
export interface MemoryState {
  files: Map<number, FileRecord>;
  /** Keyed by stepKey, in insertion order. */
  steps: Map<string, StoredStep>;
  logs: LogEntry[];
  nextFileId: number;
  nextLogId: number;
  /** Saved backfill progress, per candidate mode. */
  progress: Map<CandidateMode, MigrationProgress>;
  /** Deleted files, kept as tombstones with the time of their deletion (docs/architecture.md#deleting-files). */
  deletedFiles: Map<number, { file: FileRecord; deletedAt: Date }>;
  /** The rollup reconciler's cursor and lease. */
  reconcile: ReconcileState;
  /** Event receipts keyed by file id and event id. */
  receipts: Map<string, EventReceipt>;
  /** The last heartbeat of a step, keyed by stepKey (docs/architecture.md#stalls). */
  heartbeats: Map<string, { at: Date; by: string | null }>;
  bulkOperations: Map<number, BulkOperation>;
  /** Per operation, its files' results by file id. */
  bulkResults: Map<number, Map<number, BulkFileResult>>;
  nextBulkId: number;
  /** Webhook subscriptions and their outbox; one id sequence for both. */
  webhooks: {
    nextId: number;
    subscriptions: Map<number, WebhookSubscription>;
    deliveries: Map<number, WebhookDelivery>;
    attempts: DeliveryAttempt[];
  };
}

export const emptyMemoryState = (): MemoryState => ({
  files: new Map(),
  steps: new Map(),
  logs: [],
  nextFileId: 1,
  nextLogId: 1,
  progress: new Map(),
  deletedFiles: new Map(),
  reconcile: { cursor: emptyCursor(), revision: 0, leaseOwner: null, leaseExpiresAt: null },
  receipts: new Map(),
  heartbeats: new Map(),
  bulkOperations: new Map(),
  bulkResults: new Map(),
  nextBulkId: 1,
  webhooks: { nextId: 1, subscriptions: new Map(), deliveries: new Map(), attempts: [] },
});

export function cloneState(state: MemoryState): MemoryState {
  return structuredClone(state);
}
