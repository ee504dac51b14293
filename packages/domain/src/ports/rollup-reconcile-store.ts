import type { ReconcileCursor, FeedRow } from '../reconcile/reconcile-cursor.js';

/** The reconciler's saved state: its cursor, which process holds it and until when. */
export interface ReconcileState {
  cursor: ReconcileCursor;
  /** Bumped by every save: a save that expected an older revision writes nothing. */
  revision: number;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
}

/**
 * What the rollup reconciler needs of a store: its saved state, the rows added since its cursor, and the files
 * whose duplicate mark disagrees with their rollup (docs/architecture.md#foreign-writes).
 */
export interface RollupReconcileStore {
  /** The saved state; a store that never saved one returns the state of an empty cursor at revision 0. */
  load(): Promise<ReconcileState>;
  /**
   * The rows of processing_logs, file_processing_steps and files with an id above the cursor's mark of their table
   * (at most `limit` per table, ascending), plus the rows whose id is one of the cursor's open ids.
   */
  rowsAfter(cursor: ReconcileCursor, limit: number): Promise<FeedRow[]>;
  /** Ids of files (at most `limit`) whose `is_duplicate` says one thing and whose rollup status another. */
  duplicateMismatches(limit: number): Promise<number[]>;
  /**
   * Inside a transaction: takes or renews the lease for `owner` until `expiresAt` when it is free, expired at `now`
   * or already `owner`'s, and the saved revision is still `revision`; holds the state row until commit. Returns
   * false, changing nothing, otherwise.
   */
  claim(owner: string, revision: number, now: Date, expiresAt: Date): Promise<boolean>;
  /** Inside a transaction after a successful claim: saves the cursor as revision `revision + 1`. */
  save(cursor: ReconcileCursor, revision: number): Promise<void>;
  /** Gives the lease up when `owner` holds it (a stopping process), so another one takes over at once. */
  release(owner: string): Promise<void>;
}
