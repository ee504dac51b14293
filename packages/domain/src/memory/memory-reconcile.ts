import type { ReconcileState, RollupReconcileStore } from '../ports/rollup-reconcile-store.js';
import type { FeedRow, ReconcileCursor } from '../reconcile/reconcile-cursor.js';
import type { MemoryState } from './memory-state.js';

/**
 * The reconciler's port over a MemoryState. Nothing but steptrail writes an in-memory store, so there are no step
 * ids to follow: the feed is the log and file ids, which is all its own writes add.
 */
export class MemoryReconcile implements RollupReconcileStore {
  constructor(private readonly state: () => MemoryState) {}

  async load(): Promise<ReconcileState> {
    return structuredClone(this.state().reconcile);
  }

  async rowsAfter(cursor: ReconcileCursor, limit: number): Promise<FeedRow[]> {
    const state = this.state();
    const open = new Set(cursor.open.map((id) => `${id.table}:${id.id}`));
    const logs = state.logs
      .filter((log) => log.id > cursor.marks.logs || open.has(`logs:${log.id}`))
      .slice(0, limit)
      .map((log): FeedRow => ({ table: 'logs', id: log.id, fileId: log.fileId }));
    const files = [...state.files.keys()]
      .filter((id) => id > cursor.marks.files || open.has(`files:${id}`))
      .sort((a, b) => a - b)
      .slice(0, limit)
      // Every file of the in-memory store is steptrail's own.
      .map((id): FeedRow => ({ table: 'files', id, fileId: id, registeredBySteptrail: true }));
    return [...logs, ...files];
  }

  async duplicateMismatches(limit: number): Promise<number[]> {
    return [...this.state().files.values()]
      .filter((file) => file.isDuplicate !== (file.rollup.status === 'duplicate'))
      .map((file) => file.id)
      .slice(0, limit);
  }

  async claim(owner: string, revision: number, now: Date, expiresAt: Date): Promise<boolean> {
    const saved = this.state().reconcile;
    const free =
      saved.leaseOwner === null ||
      saved.leaseOwner === owner ||
      (saved.leaseExpiresAt !== null && saved.leaseExpiresAt.getTime() < now.getTime());
    if (!free || saved.revision !== revision) return false;
    saved.leaseOwner = owner;
    saved.leaseExpiresAt = expiresAt;
    return true;
  }

  async save(cursor: ReconcileCursor, revision: number): Promise<void> {
    const saved = this.state().reconcile;
    saved.cursor = structuredClone(cursor);
    saved.revision = revision + 1;
  }

  async release(owner: string): Promise<void> {
    const saved = this.state().reconcile;
    if (saved.leaseOwner !== owner) return;
    saved.leaseOwner = null;
    saved.leaseExpiresAt = null;
  }
}
