import { integerOf, utcText, type SqlRunner } from './sql-runner.js';

/** Why a file that has history older than the cutoff keeps it. */
export type KeptReason = 'unfinishedSteps' | 'notRebuiltFromLogs' | 'noStepRows' | 'newerHistory';

export const KEPT_REASONS: readonly KeptReason[] = [
  'unfinishedSteps',
  'notRebuiltFromLogs',
  'noStepRows',
  'newerHistory',
];

export interface FileChunk {
  /** Files whose whole history is older than the cutoff and may go, with their number of log rows. */
  prunable: Array<{ fileId: number; logRows: number }>;
  /** Files with old history that must keep it, by reason. */
  kept: Record<KeptReason, number>;
  /** The highest file id looked at, or null when no file is left. */
  lastFileId: number | null;
}

export interface DeleteStep {
  deleted: number;
  /** The highest log id looked at; the next call starts after it. Null when nothing was left. */
  lastLogId: number | null;
}

// A step is finished when its status says so; DocuElevate's legacy words and any case count as unfinished.
const UNFINISHED = `LOWER(s.status) NOT IN ('success', 'failure', 'skipped')`;
// A finished step still needs its history when steptrail never folded those logs into it (a DocuElevate row).
const UNSAFE_STEP = `(${UNFINISHED} OR s.last_event_id IS NULL)`;

/**
 * The SQL behind `prune`: classifies files by what their history may lose, and deletes log rows in small
 * id-listed statements that each commit on their own. Every DELETE re-checks its conditions, so a file that
 * started a step again since it was classified keeps its history.
 */
export class LogRetention {
  private readonly cutoff: string;

  constructor(
    private readonly sql: SqlRunner,
    cutoff: Date,
  ) {
    this.cutoff = utcText(cutoff);
  }

  /** The highest file id (0 without files), for progress. */
  async highestFileId(): Promise<number> {
    const [row] = await this.sql.rows('SELECT MAX(id) AS max_id FROM files');
    return integerOf('max_id', row?.max_id);
  }

  /** Classifies up to `limit` files with ids above `afterId`. */
  async classifyFiles(afterId: number, limit: number): Promise<FileChunk> {
    const rows = await this.sql.rows(
      `SELECT f.id AS file_id,
         (SELECT COUNT(*) FROM processing_logs l WHERE l.file_id = f.id AND l.timestamp < :cutoff) AS old_logs,
         (SELECT COUNT(*) FROM processing_logs l
            WHERE l.file_id = f.id AND (l.timestamp >= :cutoff OR l.timestamp IS NULL)) AS newer_logs,
         (SELECT COUNT(*) FROM file_processing_steps s WHERE s.file_id = f.id) AS steps,
         (SELECT COUNT(*) FROM file_processing_steps s WHERE s.file_id = f.id AND ${UNFINISHED}) AS unfinished,
         (SELECT COUNT(*) FROM file_processing_steps s WHERE s.file_id = f.id AND s.last_event_id IS NULL) AS not_rebuilt
       FROM files f WHERE f.id > :afterId ORDER BY f.id LIMIT :limit`,
      { cutoff: this.cutoff, afterId, limit },
    );
    const chunk: FileChunk = {
      prunable: [],
      kept: { unfinishedSteps: 0, notRebuiltFromLogs: 0, noStepRows: 0, newerHistory: 0 },
      lastFileId: null,
    };
    for (const row of rows) {
      const fileId = integerOf('file_id', row.file_id);
      chunk.lastFileId = fileId;
      const oldLogs = integerOf('old_logs', row.old_logs);
      if (oldLogs === 0) continue;
      const reason = keptReason(row);
      if (reason === null) chunk.prunable.push({ fileId, logRows: oldLogs });
      else chunk.kept[reason] += 1;
    }
    return chunk;
  }

  /** Deletes up to `limit` old log rows of these files with ids above `afterLogId`, in one statement. */
  async deleteFileLogs(fileIds: readonly number[], afterLogId: number, limit: number): Promise<DeleteStep> {
    if (fileIds.length === 0) return { deleted: 0, lastLogId: null };
    const ids = await this.ids(
      `SELECT id FROM processing_logs
       WHERE file_id IN (:...fileIds) AND timestamp < :cutoff AND id > :afterLogId ORDER BY id LIMIT :limit`,
      { fileIds, afterLogId, limit },
    );
    if (ids.length === 0) return { deleted: 0, lastLogId: null };
    const deleted = await this.sql.write(
      `DELETE FROM processing_logs
       WHERE id IN (:...ids) AND timestamp < :cutoff
         AND EXISTS (SELECT 1 FROM file_processing_steps s WHERE s.file_id = processing_logs.file_id)
         AND NOT EXISTS (SELECT 1 FROM file_processing_steps s WHERE s.file_id = processing_logs.file_id AND ${UNSAFE_STEP})`,
      { ids, cutoff: this.cutoff },
    );
    return { deleted, lastLogId: ids[ids.length - 1] ?? null };
  }

  /** Task-level rows (no file id) older than the cutoff. */
  async countTaskLevel(): Promise<number> {
    const [row] = await this.sql.rows(
      'SELECT COUNT(*) AS n FROM processing_logs WHERE file_id IS NULL AND timestamp < :cutoff',
      { cutoff: this.cutoff },
    );
    return integerOf('n', row?.n);
  }

  async deleteTaskLevel(afterLogId: number, limit: number): Promise<DeleteStep> {
    const ids = await this.ids(
      `SELECT id FROM processing_logs WHERE file_id IS NULL AND timestamp < :cutoff AND id > :afterLogId
       ORDER BY id LIMIT :limit`,
      { afterLogId, limit },
    );
    if (ids.length === 0) return { deleted: 0, lastLogId: null };
    const deleted = await this.sql.write(
      'DELETE FROM processing_logs WHERE id IN (:...ids) AND file_id IS NULL AND timestamp < :cutoff',
      { ids, cutoff: this.cutoff },
    );
    return { deleted, lastLogId: ids[ids.length - 1] ?? null };
  }

  /** Rows of files that no longer exist, older than the cutoff. */
  async countOfDeletedFiles(): Promise<number> {
    const [row] = await this.sql.rows(
      `SELECT COUNT(*) AS n FROM processing_logs l
       WHERE l.file_id IS NOT NULL AND l.timestamp < :cutoff AND NOT EXISTS (SELECT 1 FROM files f WHERE f.id = l.file_id)`,
      { cutoff: this.cutoff },
    );
    return integerOf('n', row?.n);
  }

  async deleteOfDeletedFiles(afterLogId: number, limit: number): Promise<DeleteStep> {
    const ids = await this.ids(
      `SELECT l.id FROM processing_logs l
       WHERE l.id > :afterLogId AND l.file_id IS NOT NULL AND l.timestamp < :cutoff
         AND NOT EXISTS (SELECT 1 FROM files f WHERE f.id = l.file_id)
       ORDER BY l.id LIMIT :limit`,
      { afterLogId, limit },
    );
    if (ids.length === 0) return { deleted: 0, lastLogId: null };
    const deleted = await this.sql.write(
      `DELETE FROM processing_logs WHERE id IN (:...ids) AND timestamp < :cutoff
         AND NOT EXISTS (SELECT 1 FROM files f WHERE f.id = processing_logs.file_id)`,
      { ids, cutoff: this.cutoff },
    );
    return { deleted, lastLogId: ids[ids.length - 1] ?? null };
  }

  private async ids(sql: string, params: Record<string, unknown>): Promise<number[]> {
    const rows = await this.sql.rows(sql, { ...params, cutoff: this.cutoff });
    return rows.map((row) => integerOf('id', row.id));
  }
}

function keptReason(row: Record<string, unknown>): KeptReason | null {
  if (integerOf('steps', row.steps) === 0) return 'noStepRows';
  if (integerOf('unfinished', row.unfinished) > 0) return 'unfinishedSteps';
  if (integerOf('not_rebuilt', row.not_rebuilt) > 0) return 'notRebuiltFromLogs';
  if (integerOf('newer_logs', row.newer_logs) > 0) return 'newerHistory';
  return null;
}
