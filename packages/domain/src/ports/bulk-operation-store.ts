import type { BulkFileResult, BulkOperation, NewBulkOperation } from '../bulk/bulk-operation.js';

/** A file's result as a chunk records it. */
export interface BulkResultWrite {
  fileId: number;
  outcome: Exclude<BulkFileResult['outcome'], 'pending'>;
  detail: string | null;
}

/** Bulk operations and their per-file results (docs/architecture.md#bulk-operations). */
export interface BulkOperationStore {
  /** Stores a running operation with a pending result for each of `fileIds`; returns it with its id. */
  create(operation: NewBulkOperation, fileIds: readonly number[]): Promise<BulkOperation>;
  /** The operation with this id, or null. */
  get(id: number): Promise<BulkOperation | null>;
  /** Its per-file results with a file id above `afterFileId`, ascending by file id, at most `limit`. */
  results(id: number, afterFileId: number, limit: number): Promise<BulkFileResult[]>;
  /** Ids of running operations, oldest first, at most `limit`. */
  running(limit: number): Promise<number[]>;
  /**
   * Inside a transaction: up to `limit` of the operation's pending files, ascending, locked until commit; files
   * another transaction holds are skipped, not waited for.
   */
  claimPending(operationId: number, limit: number): Promise<number[]>;
  /** Stores these files' results and adds them to the operation's counts (in the caller's transaction). */
  recordResults(operationId: number, results: readonly BulkResultWrite[], now: Date): Promise<void>;
  /** Marks the operation completed when it has no pending file left; true only for the call that did so. */
  finishIfDone(operationId: number, now: Date): Promise<boolean>;
}
