import type { EventPosition, LogEntry, LogPage, LogRepository, NewLogEntry } from '@steptrail/domain';
import { LOG_COLUMNS, toLogEntry } from '../mappers/row-mappers.js';
import { requireInteger } from '../mappers/column-parsers.js';
import type { SqlExecutor } from '../sql-executor.js';

export class TypeormLogRepository implements LogRepository {
  constructor(private readonly sql: SqlExecutor) {}

  async append(entry: NewLogEntry): Promise<LogEntry> {
    const d = this.sql.dialect;
    const result = await this.sql.write(
      `INSERT INTO processing_logs (file_id, task_id, step_name, status, message, detail, timestamp)
       VALUES (:fileId, :taskId, :stepName, :status, :message, :detail, :occurredAt)${d.returningId}`,
      { ...entry, occurredAt: d.time(entry.occurredAt) },
    );
    if (result.insertId === null) throw new Error('The database did not report the id of the new log row.');
    return { ...entry, id: result.insertId };
  }

  async listForStep(fileId: number, stepName: string): Promise<LogEntry[]> {
    const rows = await this.sql.rows(
      `SELECT ${LOG_COLUMNS} FROM processing_logs l WHERE l.file_id = :fileId AND l.step_name = :stepName
       ORDER BY l.timestamp, l.id`,
      { fileId, stepName },
    );
    return rows.map(toLogEntry);
  }

  async listForFiles(fileIds: readonly number[]): Promise<LogEntry[]> {
    if (fileIds.length === 0) return [];
    const rows = await this.sql.rows(
      `SELECT ${LOG_COLUMNS} FROM processing_logs l WHERE l.file_id IN (:...fileIds)
       ORDER BY l.file_id, l.timestamp, l.id`,
      { fileIds: [...new Set(fileIds)] },
    );
    return rows.map(toLogEntry);
  }

  async page(fileId: number, limit: number, after: EventPosition | null): Promise<LogPage> {
    const d = this.sql.dialect;
    const keyset =
      after === null ? '' : ' AND (l.timestamp > :afterAt OR (l.timestamp = :afterAt AND l.id > :afterId))';
    const rows = await this.sql.rows(
      `SELECT ${LOG_COLUMNS} FROM processing_logs l WHERE l.file_id = :fileId${keyset}
       ORDER BY l.timestamp, l.id LIMIT :limit`,
      {
        fileId,
        limit: limit + 1,
        afterAt: after === null ? null : d.time(after.occurredAt),
        afterId: after?.id ?? null,
      },
    );
    const items = rows.slice(0, limit).map(toLogEntry);
    const last = items[items.length - 1];
    return {
      items,
      next: rows.length > limit && last !== undefined ? { occurredAt: last.occurredAt, id: last.id } : null,
    };
  }

  async listSince(afterId: number, limit: number): Promise<LogEntry[]> {
    const rows = await this.sql.rows(
      `SELECT ${LOG_COLUMNS} FROM processing_logs l WHERE l.id > :afterId ORDER BY l.id LIMIT :limit`,
      {
        afterId,
        limit,
      },
    );
    return rows.map(toLogEntry);
  }

  async maxId(): Promise<number> {
    const row = await this.sql.one('SELECT COALESCE(MAX(id), 0) AS max_id FROM processing_logs');
    return row === null ? 0 : requireInteger('max_id', row.max_id);
  }
}
