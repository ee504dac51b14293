import {
  FINISHED_STEP_STATUSES,
  type FileHistoryFacts,
  type LogDeletion,
  type LogRetentionStore,
} from '@steptrail/domain';
import { parseInteger, requireInteger } from '../mappers/column-parsers.js';
import type { SqlExecutor, SqlParams } from '../sql-executor.js';

// Finished in any case; DocuElevate's own words (queued, completed, ...) count as unfinished.
const UNFINISHED = `LOWER(s.status) NOT IN (:...finished)`;
// A finished step still needs its history when steptrail never folded those logs into it (a DocuElevate row).
const UNSAFE_STEP = `(${UNFINISHED} OR s.last_event_id IS NULL)`;

/**
 * The retention deletes as SQL written once for every database. Each delete first lists the ids it may take, in
 * id order, then deletes exactly those whose conditions still hold, in one statement.
 */
export class TypeormLogRetention implements LogRetentionStore {
  constructor(private readonly sql: SqlExecutor) {}

  async highestFileId(): Promise<number> {
    const row = await this.sql.one('SELECT MAX(id) AS max_id FROM files');
    return parseInteger('max_id', row?.max_id) ?? 0;
  }

  async fileHistories(cutoff: Date, afterId: number, limit: number): Promise<FileHistoryFacts[]> {
    const rows = await this.sql.rows(
      `SELECT f.id AS file_id,
         (SELECT COUNT(*) FROM processing_logs l WHERE l.file_id = f.id AND l.timestamp < :cutoff) AS older_logs,
         (SELECT COUNT(*) FROM processing_logs l
            WHERE l.file_id = f.id AND (l.timestamp >= :cutoff OR l.timestamp IS NULL)) AS newer_logs,
         (SELECT COUNT(*) FROM file_processing_steps s WHERE s.file_id = f.id) AS step_rows,
         (SELECT COUNT(*) FROM file_processing_steps s WHERE s.file_id = f.id AND ${UNFINISHED}) AS unfinished,
         (SELECT COUNT(*) FROM file_processing_steps s WHERE s.file_id = f.id AND s.last_event_id IS NULL) AS unfolded
       FROM files f WHERE f.id > :afterId ORDER BY f.id LIMIT :limit`,
      { ...this.at(cutoff), afterId, limit },
    );
    return rows.map((row) => ({
      fileId: requireInteger('file_id', row.file_id),
      olderLogs: requireInteger('older_logs', row.older_logs),
      newerLogs: requireInteger('newer_logs', row.newer_logs),
      stepRows: requireInteger('step_rows', row.step_rows),
      unfinishedSteps: requireInteger('unfinished', row.unfinished),
      unfoldedSteps: requireInteger('unfolded', row.unfolded),
    }));
  }

  async deleteFileLogs(
    fileIds: readonly number[],
    cutoff: Date,
    afterLogId: number,
    limit: number,
  ): Promise<LogDeletion> {
    if (fileIds.length === 0) return { deleted: 0, lastLogId: null };
    return this.deleteListed(
      `SELECT id FROM processing_logs
       WHERE file_id IN (:...fileIds) AND timestamp < :cutoff AND id > :afterLogId ORDER BY id LIMIT :limit`,
      `DELETE FROM processing_logs
       WHERE id IN (:...ids) AND timestamp < :cutoff
         AND EXISTS (SELECT 1 FROM file_processing_steps s WHERE s.file_id = processing_logs.file_id)
         AND NOT EXISTS (SELECT 1 FROM file_processing_steps s WHERE s.file_id = processing_logs.file_id AND ${UNSAFE_STEP})`,
      { ...this.at(cutoff), fileIds, afterLogId, limit },
    );
  }

  async countTaskLevel(cutoff: Date): Promise<number> {
    return this.count('processing_logs WHERE file_id IS NULL AND timestamp < :cutoff', cutoff);
  }

  async deleteTaskLevel(cutoff: Date, afterLogId: number, limit: number): Promise<LogDeletion> {
    return this.deleteListed(
      `SELECT id FROM processing_logs WHERE file_id IS NULL AND timestamp < :cutoff AND id > :afterLogId
       ORDER BY id LIMIT :limit`,
      'DELETE FROM processing_logs WHERE id IN (:...ids) AND file_id IS NULL AND timestamp < :cutoff',
      { ...this.at(cutoff), afterLogId, limit },
    );
  }

  async countOfDeletedFiles(cutoff: Date): Promise<number> {
    return this.count(
      `processing_logs l WHERE l.file_id IS NOT NULL AND l.timestamp < :cutoff
         AND NOT EXISTS (SELECT 1 FROM files f WHERE f.id = l.file_id AND f.deleted_at IS NULL)`,
      cutoff,
    );
  }

  async deleteOfDeletedFiles(cutoff: Date, afterLogId: number, limit: number): Promise<LogDeletion> {
    return this.deleteListed(
      `SELECT l.id FROM processing_logs l
       WHERE l.id > :afterLogId AND l.file_id IS NOT NULL AND l.timestamp < :cutoff
         AND NOT EXISTS (SELECT 1 FROM files f WHERE f.id = l.file_id AND f.deleted_at IS NULL)
       ORDER BY l.id LIMIT :limit`,
      `DELETE FROM processing_logs WHERE id IN (:...ids) AND timestamp < :cutoff
         AND NOT EXISTS (SELECT 1 FROM files f WHERE f.id = processing_logs.file_id AND f.deleted_at IS NULL)`,
      { ...this.at(cutoff), afterLogId, limit },
    );
  }

  /** The parameters every statement here shares: the cutoff as the driver binds a time, the finished statuses. */
  private at(cutoff: Date): SqlParams {
    return { cutoff: this.sql.dialect.driver.time(cutoff), finished: [...FINISHED_STEP_STATUSES] };
  }

  private async count(from: string, cutoff: Date): Promise<number> {
    const row = await this.sql.one(`SELECT COUNT(*) AS n FROM ${from}`, this.at(cutoff));
    return parseInteger('n', row?.n) ?? 0;
  }

  /** Lists the ids `select` finds, then runs `remove` on exactly those (bound as `ids`). */
  private async deleteListed(select: string, remove: string, params: SqlParams): Promise<LogDeletion> {
    const ids = (await this.sql.rows(select, params)).map((row) => requireInteger('id', row.id));
    const lastLogId = ids.at(-1) ?? null;
    if (lastLogId === null) return { deleted: 0, lastLogId: null };
    const { affected } = await this.sql.write(remove, { ...params, ids });
    return { deleted: affected, lastLogId };
  }
}
