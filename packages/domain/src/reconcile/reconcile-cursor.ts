/**
 * The reconciler's position in the three tables other programs write (docs/architecture.md#foreign-writes): a mark
 * per table (every id at or below it was looked at, except the open ones), the ids below a mark not seen yet (a
 * transaction still in flight, or one that rolled back) and the files to look at again for a while.
 */
export type FeedTable = 'logs' | 'steps' | 'files';

export const FEED_TABLES: readonly FeedTable[] = ['logs', 'steps', 'files'];

/** One row the feed found: its table, id and file (null: a task-level log row). */
export interface FeedRow {
  table: FeedTable;
  id: number;
  fileId: number | null;
  /** A `files` row whose DocuElevate plan cannot be read: why (docs/architecture.md#workflow-plans). */
  workflowProblem?: string | null;
  /**
   * A `files` row steptrail registered itself (it has steptrail's workflow snapshot, which DocuElevate never writes):
   * its later rows come from steptrail's own writes, which keep its rollup exact, so it is not watched as recent.
   */
  registeredBySteptrail?: boolean;
}

export interface OpenId {
  table: FeedTable;
  id: number;
  /** When the reconciler first missed it. */
  since: number;
}

export interface RecentFile {
  fileId: number;
  /** Until when (epoch ms) the file is looked at on every pass. */
  until: number;
}

export interface ReconcileCursor {
  marks: Record<FeedTable, number>;
  open: OpenId[];
  recent: RecentFile[];
}

export interface CursorRules {
  /** How long an id below a mark may still commit: longer than any transaction of the other program. */
  openForMs: number;
  /** How long a file another program changed is looked at again on every pass. */
  recentForMs: number;
  /**
   * Bounds of the two lists, so a burst of gaps or changes cannot grow the saved state without end. Both together
   * must stay well under MySQL's 64 KB TEXT, the column they are saved in (≈ 55 bytes an open id, 40 a recent file).
   */
  maxOpen: number;
  maxRecent: number;
  /**
   * The tables whose id gaps stay open. Not `file_processing_steps`: on PostgreSQL and MariaDB every upsert of a
   * step row takes an id from the sequence even when it updates, so steptrail's own step writes leave a gap per
   * event that will never fill. A step row another program inserts out of id order is still seen through its file's
   * log rows or recent window, or by `reconcile` (docs/architecture.md#foreign-writes).
   */
  gapTables?: readonly FeedTable[];
}

export const DEFAULT_CURSOR_RULES: CursorRules = {
  openForMs: 30_000,
  recentForMs: 10_000,
  maxOpen: 500,
  maxRecent: 500,
  gapTables: ['logs', 'files'],
};

export const emptyCursor = (): ReconcileCursor => ({
  marks: { logs: 0, steps: 0, files: 0 },
  open: [],
  recent: [],
});

/** The files a pass must look at: those of the rows found, and the recent ones still in their window. */
export function filesToCheck(cursor: ReconcileCursor, rows: readonly FeedRow[], now: number): number[] {
  const ids = new Set<number>();
  for (const row of rows) if (row.fileId !== null) ids.add(row.fileId);
  for (const recent of cursor.recent) if (recent.until >= now) ids.add(recent.fileId);
  return [...ids].sort((a, b) => a - b);
}

/**
 * The cursor after a pass that found `rows` (above the marks, and among the open ids) and brought the rollups of
 * `changedFiles` up to date. Each mark moves to the highest id found in its table; the ids it skipped become open,
 * found open ids close, and open ids older than `openForMs` are given up (their transaction rolled back). Files
 * whose rollup had to change, and new files the other program wrote, stay recent for `recentForMs`: it often writes
 * a file in several commits. Files steptrail registered do not: its own writes keep their rollups exact, and every
 * later row anyone writes for them has a new id the marks find.
 */
export function advanceCursor(
  cursor: ReconcileCursor,
  rows: readonly FeedRow[],
  changedFiles: readonly number[],
  now: number,
  rules: CursorRules = DEFAULT_CURSOR_RULES,
): ReconcileCursor {
  const found = new Set(rows.map((row) => `${row.table}:${row.id}`));
  const marks = { ...cursor.marks };
  const opened: OpenId[] = [];
  for (const table of FEED_TABLES) {
    const ids = rows
      .filter((row) => row.table === table && row.id > cursor.marks[table])
      .map((row) => row.id)
      .sort((a, b) => a - b);
    const tracked = (rules.gapTables ?? DEFAULT_CURSOR_RULES.gapTables ?? FEED_TABLES).includes(table);
    let previous = cursor.marks[table];
    for (const id of ids) {
      for (let gap = previous + 1; tracked && gap < id && opened.length < rules.maxOpen; gap += 1)
        opened.push({ table, id: gap, since: now });
      previous = id;
    }
    marks[table] = previous;
  }
  const open = [
    ...cursor.open.filter((id) => !found.has(`${id.table}:${id.id}`) && now - id.since <= rules.openForMs),
    ...opened,
  ].slice(-rules.maxOpen);
  const recentUntil = new Map<number, number>();
  for (const recent of cursor.recent) if (recent.until >= now) recentUntil.set(recent.fileId, recent.until);
  const newFiles = rows.filter(
    (row) => row.table === 'files' && row.fileId !== null && row.registeredBySteptrail !== true,
  );
  for (const fileId of [...changedFiles, ...newFiles.map((row) => row.fileId ?? 0)])
    recentUntil.set(fileId, now + rules.recentForMs);
  const recent = [...recentUntil]
    .map(([fileId, until]) => ({ fileId, until }))
    .sort((a, b) => a.until - b.until)
    .slice(-rules.maxRecent);
  return { marks, open, recent };
}

/** Whether a pass changed nothing in the cursor, so there is nothing to save. */
export function sameCursor(a: ReconcileCursor, b: ReconcileCursor): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
