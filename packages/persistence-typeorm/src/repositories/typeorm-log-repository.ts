import {
  stepKey,
  type EventPosition,
  type LogEntry,
  type LogPage,
  type LogRepository,
  type NewLogEntry,
  type StepRef,
} from '@steptrail/domain';
import { LOG_COLUMNS, toLogEntry } from '../mappers/row-mappers.js';
import { requireInteger } from '../mappers/column-parsers.js';
import type { SqlExecutor } from '../sql-executor.js';
import { insertedIds, returningId, returningIds } from '../define-dialect.js';

/** 7 parameters a row: far below every database's limit on bound parameters. */
const ROWS_PER_INSERT = 200;

export class TypeormLogRepository implements LogRepository {
  constructor(private readonly sql: SqlExecutor) {}

  async append(entry: NewLogEntry): Promise<LogEntry> {
    const d = this.sql.dialect;
    const result = await this.sql.write(
      `INSERT INTO processing_logs (file_id, task_id, step_name, status, message, detail, timestamp)
       VALUES (:fileId, :taskId, :stepName, :status, :message, :detail, :occurredAt)${returningId(d)}`,
      { ...entry, occurredAt: d.driver.time(entry.occurredAt) },
    );
    if (result.insertId === null) throw new Error('The database did not report the id of the new log row.');
    return { ...entry, id: result.insertId };
  }

  async appendMany(entries: readonly NewLogEntry[]): Promise<LogEntry[]> {
    const appended: LogEntry[] = [];
    for (let start = 0; start < entries.length; start += ROWS_PER_INSERT) {
      appended.push(...(await this.insertChunk(entries.slice(start, start + ROWS_PER_INSERT))));
    }
    return appended;
  }

  async listForSteps(steps: readonly StepRef[]): Promise<LogEntry[]> {
    if (steps.length === 0) return [];
    const wanted = new Set(steps.map(stepKey));
    // Files × names may take a few rows of other steps; the index (file_id, step_name, ...) serves both lists.
    const rows = await this.sql.rows(
      `SELECT ${LOG_COLUMNS} FROM processing_logs l
       WHERE l.file_id IN (:...fileIds) AND l.step_name IN (:...stepNames) ORDER BY l.timestamp, l.id`,
      {
        fileIds: [...new Set(steps.map((step) => step.fileId))],
        stepNames: [...new Set(steps.map((step) => step.stepName))],
      },
    );
    return rows.map(toLogEntry).filter((log) => wanted.has(stepKey(log)));
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

  /**
   * The page continues after the stored timestamp of the row the position names, not after the position's
   * millisecond: legacy rows carry microseconds (DocuElevate's Python timestamps), and the row that ended the last
   * page sorts after its own millisecond. The position's time stands in only when that row is gone (pruned).
   */
  async page(fileId: number, limit: number, after: EventPosition | null): Promise<LogPage> {
    const d = this.sql.dialect;
    const boundary = `COALESCE((SELECT c.timestamp FROM processing_logs c
      WHERE c.id = :afterId AND c.file_id = :fileId), :afterAt)`;
    const keyset =
      after === null
        ? ''
        : ` AND (l.timestamp > ${boundary} OR (l.timestamp = ${boundary} AND l.id > :afterId))`;
    const rows = await this.sql.rows(
      `SELECT ${LOG_COLUMNS} FROM processing_logs l WHERE l.file_id = :fileId${keyset}
       ORDER BY l.timestamp, l.id LIMIT :limit`,
      {
        fileId,
        limit: limit + 1,
        afterAt: after === null ? null : d.driver.time(after.occurredAt),
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

  private async insertChunk(entries: readonly NewLogEntry[]): Promise<LogEntry[]> {
    const d = this.sql.dialect;
    const params: Record<string, unknown> = {};
    const tuples = entries.map((entry, index) => {
      Object.assign(params, {
        [`f${index}`]: entry.fileId,
        [`k${index}`]: entry.taskId,
        [`s${index}`]: entry.stepName,
        [`t${index}`]: entry.status,
        [`m${index}`]: entry.message,
        [`d${index}`]: entry.detail,
        [`o${index}`]: d.driver.time(entry.occurredAt),
      });
      return `(:f${index}, :k${index}, :s${index}, :t${index}, :m${index}, :d${index}, :o${index})`;
    });
    const result = await this.sql.write(
      `INSERT INTO processing_logs (file_id, task_id, step_name, status, message, detail, timestamp)
       VALUES ${tuples.join(', ')}${returningIds(d)}`,
      params,
    );
    const ids = insertedIds(d, result, entries.length, 'processing_logs');
    return entries.map((entry, index) => ({ ...entry, id: ids[index] ?? 0 }));
  }

  async maxId(): Promise<number> {
    const row = await this.sql.one('SELECT COALESCE(MAX(id), 0) AS max_id FROM processing_logs');
    return row === null ? 0 : requireInteger('max_id', row.max_id);
  }
}
