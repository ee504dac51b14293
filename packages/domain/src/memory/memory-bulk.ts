import {
  tallyResults,
  type BulkFileResult,
  type BulkOperation,
  type NewBulkOperation,
} from '../bulk/bulk-operation.js';
import type { BulkOperationStore, BulkResultWrite } from '../ports/bulk-operation-store.js';
import type { MemoryState } from './memory-state.js';

/** Bulk operations in the in-memory state; transactions run one at a time, so a claim needs no lock. */
export class MemoryBulkOperations implements BulkOperationStore {
  constructor(private readonly state: () => MemoryState) {}

  async create(operation: NewBulkOperation, fileIds: readonly number[]): Promise<BulkOperation> {
    const state = this.state();
    const stored: BulkOperation = {
      ...structuredClone(operation),
      id: state.nextBulkId++,
      state: 'running',
      done: 0,
      skipped: 0,
      updatedAt: operation.createdAt,
      finishedAt: null,
    };
    state.bulkOperations.set(stored.id, stored);
    const pending = (fileId: number): BulkFileResult => ({
      fileId,
      outcome: 'pending',
      detail: null,
      processedAt: null,
    });
    state.bulkResults.set(stored.id, new Map(fileIds.map((fileId) => [fileId, pending(fileId)])));
    return structuredClone(stored);
  }

  async get(id: number): Promise<BulkOperation | null> {
    const operation = this.state().bulkOperations.get(id);
    return operation === undefined ? null : structuredClone(operation);
  }

  async results(id: number, afterFileId: number, limit: number): Promise<BulkFileResult[]> {
    return [...(this.state().bulkResults.get(id)?.values() ?? [])]
      .filter((result) => result.fileId > afterFileId)
      .sort((a, b) => a.fileId - b.fileId)
      .slice(0, limit)
      .map((result) => structuredClone(result));
  }

  async running(limit: number): Promise<number[]> {
    return [...this.state().bulkOperations.values()]
      .filter((operation) => operation.state === 'running')
      .map((operation) => operation.id)
      .sort((a, b) => a - b)
      .slice(0, limit);
  }

  async claimPending(operationId: number, limit: number): Promise<number[]> {
    return [...(this.state().bulkResults.get(operationId)?.values() ?? [])]
      .filter((result) => result.outcome === 'pending')
      .map((result) => result.fileId)
      .sort((a, b) => a - b)
      .slice(0, limit);
  }

  async recordResults(operationId: number, results: readonly BulkResultWrite[], now: Date): Promise<void> {
    const state = this.state();
    const stored = state.bulkResults.get(operationId);
    const operation = state.bulkOperations.get(operationId);
    if (stored === undefined || operation === undefined) return;
    for (const result of results) stored.set(result.fileId, { ...result, processedAt: new Date(now) });
    const tally = tallyResults(results);
    Object.assign(operation, {
      done: operation.done + tally.done,
      skipped: operation.skipped + tally.skipped,
      updatedAt: new Date(now),
    });
  }

  async finishIfDone(operationId: number, now: Date): Promise<boolean> {
    const state = this.state();
    const operation = state.bulkOperations.get(operationId);
    if (operation?.state !== 'running') return false;
    const results = state.bulkResults.get(operationId)?.values() ?? [];
    if ([...results].some((result) => result.outcome === 'pending')) return false;
    Object.assign(operation, { state: 'completed', finishedAt: new Date(now), updatedAt: new Date(now) });
    return true;
  }
}
