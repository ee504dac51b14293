import { groupBy } from '../group-by.js';
import { nextRollup, sameRollup, type FileRecord, type FileRollup } from '../files/file-record.js';
import type { Clock } from '../ports/clock.js';
import type { Repositories, UnitOfWork } from '../ports/unit-of-work.js';
import {
  advanceCursor,
  filesToCheck,
  sameCursor,
  DEFAULT_CURSOR_RULES,
  type CursorRules,
  type FeedRow,
  type ReconcileCursor,
} from '../reconcile/reconcile-cursor.js';

export interface RollupReconcilerDeps {
  unitOfWork: UnitOfWork;
  reads: Repositories;
  clock: Clock;
  /** How long a lease lasts; the holder renews it on every pass, so it lapses only when the holder stops. */
  leaseMs?: number;
  /** Rows per table and pass. */
  batchSize?: number;
  rules?: CursorRules;
}

/** What one pass did. `held` is false when another process holds the lease (and this one did nothing). */
export interface ReconcilePass {
  held: boolean;
  filesChecked: number;
  filesUpdated: number;
  /** True when a table had more new rows than one pass takes: run the next pass at once. */
  more: boolean;
}

export interface ReconcileTotals {
  filesChecked: number;
  filesUpdated: number;
}

/** The history note of a rollup brought up to date: it also carries the change to live-event clients. */
export const reconcileNote = (rollup: FileRollup): string =>
  `Status recomputed after a write outside steptrail: ${rollup.status}`;

/**
 * Keeps file rollups equal to the status rule when another program (DocuElevate's own tasks, a hand edit) writes
 * step, log and file rows without steptrail's rollup columns (docs/architecture.md#foreign-writes). One process at
 * a time holds the lease; a pass reads what was added since its cursor, recomputes the rollups of the files it
 * touched, and saves the changed rollups, their notes and the new cursor in one transaction, so a process killed
 * mid-pass leaves the cursor where it was and the next holder redoes the pass.
 */
export class RollupReconciler {
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly rules: CursorRules;

  constructor(private readonly deps: RollupReconcilerDeps) {
    this.leaseMs = deps.leaseMs ?? 10_000;
    this.batchSize = deps.batchSize ?? 500;
    this.rules = deps.rules ?? DEFAULT_CURSOR_RULES;
  }

  /** One pass for `owner`. Reads outside the transaction; writes only when a rollup, the cursor or the lease must. */
  async runOnce(owner: string): Promise<ReconcilePass> {
    const { reads, clock } = this.deps;
    const state = await reads.reconcile.load();
    const now = clock.now();
    const heldByOther =
      state.leaseOwner !== null &&
      state.leaseOwner !== owner &&
      state.leaseExpiresAt !== null &&
      state.leaseExpiresAt.getTime() >= now.getTime();
    if (heldByOther) return { held: false, filesChecked: 0, filesUpdated: 0, more: false };
    const rows = await reads.reconcile.rowsAfter(state.cursor, this.batchSize);
    const mismatched = await reads.reconcile.duplicateMismatches(this.batchSize);
    const more = ['logs', 'steps', 'files'].some(
      (table) =>
        rows.filter((row) => row.table === table && row.id > state.cursor.marks[row.table]).length >=
        this.batchSize,
    );
    const candidates = [...new Set([...filesToCheck(state.cursor, rows, now.getTime()), ...mismatched])];
    const stale = await this.staleFiles(reads, candidates, now);
    const cursor = advanceCursor(state.cursor, rows, stale, now.getTime(), this.rules);
    const leaseFresh =
      state.leaseOwner === owner &&
      state.leaseExpiresAt !== null &&
      state.leaseExpiresAt.getTime() - now.getTime() > (this.leaseMs * 2) / 3;
    if (stale.length === 0 && sameCursor(cursor, state.cursor) && leaseFresh)
      return { held: true, filesChecked: candidates.length, filesUpdated: 0, more };
    const updated = await this.deps.unitOfWork.transaction(async (repos) => {
      const expiresAt = new Date(now.getTime() + this.leaseMs);
      if (!(await repos.reconcile.claim(owner, state.revision, now, expiresAt))) return null;
      const count = await this.bringUpToDate(repos, stale, now);
      await this.notePlanProblems(repos, rows, state.cursor, now);
      await repos.reconcile.save(cursor, state.revision);
      return count;
    });
    if (updated === null) return { held: false, filesChecked: 0, filesUpdated: 0, more: false };
    return { held: true, filesChecked: candidates.length, filesUpdated: updated, more };
  }

  /** Gives the lease up, so another process takes over without waiting for it to lapse. */
  async release(owner: string): Promise<void> {
    await this.deps.unitOfWork.transaction((repos) => repos.reconcile.release(owner));
  }

  /**
   * Recomputes every file's rollup from its step rows (`steptrail-migrate reconcile`), `batchSize` files per
   * transaction, and saves the ones that differ, each with its note.
   */
  async reconcileAll(
    onBatch?: (totals: ReconcileTotals, lastFileId: number) => void | Promise<void>,
  ): Promise<ReconcileTotals> {
    const totals: ReconcileTotals = { filesChecked: 0, filesUpdated: 0 };
    let afterId = 0;
    for (;;) {
      const files = await this.deps.reads.files.listAfter(afterId, this.batchSize);
      const last = files[files.length - 1];
      if (last === undefined) return totals;
      const now = this.deps.clock.now();
      const ids = files.map((file) => file.id);
      totals.filesUpdated += await this.deps.unitOfWork.transaction((repos) =>
        this.bringUpToDate(repos, ids, now),
      );
      totals.filesChecked += files.length;
      await onBatch?.(totals, last.id);
      afterId = last.id;
    }
  }

  /** Of these files, the ones whose stored rollup differs from the rule over their step rows (unlocked reads). */
  private async staleFiles(reads: Repositories, fileIds: readonly number[], now: Date): Promise<number[]> {
    if (fileIds.length === 0) return [];
    const [files, steps] = await Promise.all([
      reads.files.rollupSources(fileIds),
      reads.steps.listForFiles(fileIds),
    ]);
    const stepsByFile = groupBy(steps, (step) => step.fileId);
    return files
      .filter((file) => !sameRollup(nextRollup(file, stepsByFile.get(file.id) ?? [], null, now), file.rollup))
      .map((file) => file.id);
  }

  /**
   * A history note for each new file whose DocuElevate plan cannot be read, written once: with the cursor that moves
   * past its row (docs/architecture.md#workflow-plans). Only for files that still exist (locked, so none goes away).
   */
  private async notePlanProblems(
    repos: Repositories,
    rows: readonly FeedRow[],
    cursor: ReconcileCursor,
    now: Date,
  ): Promise<void> {
    const problems = new Map<number, string>();
    for (const row of rows) {
      const isNew =
        row.id > cursor.marks.files || cursor.open.some((id) => id.table === 'files' && id.id === row.id);
      if (row.table === 'files' && isNew && row.fileId !== null && row.workflowProblem != null)
        problems.set(row.fileId, row.workflowProblem);
    }
    if (problems.size === 0) return;
    const existing = await repos.files.lockMany([...problems.keys()]);
    await repos.logs.appendMany(
      existing.map((file) => ({
        fileId: file.id,
        stepName: null,
        status: null,
        message: problems.get(file.id) ?? '',
        detail: null,
        taskId: null,
        occurredAt: now,
      })),
    );
  }

  /** Locks the files, recomputes their rollups and saves the changed ones with a note each; returns how many. */
  private async bringUpToDate(repos: Repositories, fileIds: readonly number[], now: Date): Promise<number> {
    if (fileIds.length === 0) return 0;
    const files: FileRecord[] = await repos.files.lockMany(fileIds);
    const stepsByFile = groupBy(await repos.steps.listForFiles(fileIds), (step) => step.fileId);
    const changed = new Map<number, FileRollup>();
    for (const file of files) {
      const rollup = nextRollup(file, stepsByFile.get(file.id) ?? [], null, now);
      if (!sameRollup(rollup, file.rollup)) changed.set(file.id, rollup);
    }
    if (changed.size === 0) return 0;
    await repos.files.saveRollups(changed);
    await repos.logs.appendMany(
      [...changed].map(([fileId, rollup]) => ({
        fileId,
        stepName: null,
        status: null,
        message: reconcileNote(rollup),
        detail: null,
        taskId: null,
        occurredAt: now,
      })),
    );
    return changed.size;
  }
}
