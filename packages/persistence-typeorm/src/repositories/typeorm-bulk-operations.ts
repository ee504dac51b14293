import {
  BULK_KINDS,
  BULK_OUTCOMES,
  decodeFileFilter,
  encodeFileFilter,
  tallyResults,
  type BulkFileResult,
  type BulkOperation,
  type BulkOperationStore,
  type BulkResultWrite,
  type NewBulkOperation,
} from '@steptrail/domain';
import {
  parseText,
  parseTimestamp,
  requireInteger,
  requireOneOf,
  requireText,
  requireTimestamp,
} from '../mappers/column-parsers.js';
import { returningId } from '../define-dialect.js';
import type { SqlExecutor } from '../sql-executor.js';
import { claimRows } from './claim-rows.js';

const OPERATIONS = 'steptrail_bulk_operations';
const FILES = 'steptrail_bulk_operation_files';
const OPERATION_COLUMNS =
  'id, kind, state, file_filter, created_by, total, done, skipped, created_at, updated_at, finished_at';
/** Rows of one multi-row INSERT of an operation's files: 2 parameters each. */
const FILES_PER_INSERT = 500;

function toOperation(row: Record<string, unknown>): BulkOperation {
  return {
    id: requireInteger(`${OPERATIONS}.id`, row.id),
    kind: requireOneOf(`${OPERATIONS}.kind`, BULK_KINDS, row.kind),
    state: requireOneOf(`${OPERATIONS}.state`, ['running', 'completed'] as const, row.state),
    filter: decodeFileFilter(requireText(`${OPERATIONS}.file_filter`, row.file_filter)),
    createdBy: parseText(`${OPERATIONS}.created_by`, row.created_by),
    total: requireInteger(`${OPERATIONS}.total`, row.total),
    done: requireInteger(`${OPERATIONS}.done`, row.done),
    skipped: requireInteger(`${OPERATIONS}.skipped`, row.skipped),
    createdAt: requireTimestamp(`${OPERATIONS}.created_at`, row.created_at),
    updatedAt: requireTimestamp(`${OPERATIONS}.updated_at`, row.updated_at),
    finishedAt: parseTimestamp(`${OPERATIONS}.finished_at`, row.finished_at),
  };
}

/** Bulk operations in their two tables (docs/architecture.md#bulk-operations). */
export class TypeormBulkOperations implements BulkOperationStore {
  constructor(private readonly sql: SqlExecutor) {}

  async create(operation: NewBulkOperation, fileIds: readonly number[]): Promise<BulkOperation> {
    const d = this.sql.dialect;
    const now = d.driver.time(operation.createdAt);
    const inserted = await this.sql.write(
      `INSERT INTO ${OPERATIONS} (kind, state, file_filter, created_by, total, done, skipped, created_at, updated_at)
       VALUES (:kind, 'running', :filter, :createdBy, :total, 0, 0, :now, :now)${returningId(d)}`,
      { ...operation, filter: encodeFileFilter(operation.filter), now },
    );
    const id = inserted.insertId;
    if (id === null) throw new Error('The database did not report the id of the new bulk operation.');
    for (let start = 0; start < fileIds.length; start += FILES_PER_INSERT) {
      const chunk = fileIds.slice(start, start + FILES_PER_INSERT);
      const params: Record<string, unknown> = { operationId: id };
      const values = chunk.map((fileId, index) => {
        params[`f${index}`] = fileId;
        return `(:operationId, :f${index}, 'pending')`;
      });
      await this.sql.write(
        `INSERT INTO ${FILES} (operation_id, file_id, outcome) VALUES ${values.join(', ')}`,
        params,
      );
    }
    const created = await this.get(id);
    if (created === null) throw new Error(`Bulk operation ${id} vanished right after its insert.`);
    return created;
  }

  async get(id: number): Promise<BulkOperation | null> {
    const row = await this.sql.one(`SELECT ${OPERATION_COLUMNS} FROM ${OPERATIONS} WHERE id = :id`, { id });
    return row === null ? null : toOperation(row);
  }

  async results(id: number, afterFileId: number, limit: number): Promise<BulkFileResult[]> {
    const rows = await this.sql.rows(
      `SELECT file_id, outcome, detail, processed_at FROM ${FILES}
       WHERE operation_id = :id AND file_id > :afterFileId ORDER BY file_id LIMIT :limit`,
      { id, afterFileId, limit },
    );
    return rows.map((row) => ({
      fileId: requireInteger(`${FILES}.file_id`, row.file_id),
      outcome: requireOneOf(`${FILES}.outcome`, BULK_OUTCOMES, row.outcome),
      detail: parseText(`${FILES}.detail`, row.detail),
      processedAt: parseTimestamp(`${FILES}.processed_at`, row.processed_at),
    }));
  }

  async running(limit: number): Promise<number[]> {
    const rows = await this.sql.rows(
      `SELECT id FROM ${OPERATIONS} WHERE state = 'running' ORDER BY id LIMIT :limit`,
      { limit },
    );
    return rows.map((row) => requireInteger(`${OPERATIONS}.id`, row.id));
  }

  async claimPending(operationId: number, limit: number): Promise<number[]> {
    return claimRows(this.sql, {
      table: FILES,
      key: 'file_id',
      where: "operation_id = :operationId AND outcome = 'pending'",
      params: { operationId },
      orderBy: 'file_id',
      limit,
    });
  }

  async recordResults(operationId: number, results: readonly BulkResultWrite[], now: Date): Promise<void> {
    const time = this.sql.dialect.driver.time(now);
    for (const result of results) {
      await this.sql.write(
        `UPDATE ${FILES} SET outcome = :outcome, detail = :detail, processed_at = :now
         WHERE operation_id = :operationId AND file_id = :fileId`,
        { ...result, operationId, now: time },
      );
    }
    const { done, skipped } = tallyResults(results);
    await this.sql.write(
      `UPDATE ${OPERATIONS} SET done = done + :done, skipped = skipped + :skipped, updated_at = :now WHERE id = :id`,
      { done, skipped, now: time, id: operationId },
    );
  }

  async finishIfDone(operationId: number, now: Date): Promise<boolean> {
    // Pending files another transaction has claimed are still pending here: only the last chunk completes it.
    const result = await this.sql.write(
      `UPDATE ${OPERATIONS} SET state = 'completed', finished_at = :now, updated_at = :now
       WHERE id = :id AND state = 'running'
         AND NOT EXISTS (SELECT 1 FROM ${FILES} WHERE operation_id = :id AND outcome = 'pending')`,
      { id: operationId, now: this.sql.dialect.driver.time(now) },
    );
    return result.affected > 0;
  }
}
