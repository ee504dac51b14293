import type { DataSource } from 'typeorm';
import type { LegacyFileRow, LegacyLogRow, RawAccess, RawRow } from '@steptrail/adapter-contract';
import { returningId } from '../src/define-dialect.js';
import type { Dialect } from '../src/dialect.js';
import { SqlExecutor } from '../src/sql-executor.js';
import { parseBoolean, parseInteger, parseTimestamp } from '../src/mappers/column-parsers.js';
import {
  FILES_TABLE,
  LOGS_TABLE,
  RECEIPTS_TABLE,
  STEPS_TABLE,
  type PlannedTable,
} from '../src/schema/schema-plan.js';

/** Column kinds by table, so raw values normalise the same way on every database. */
function kinds(table: PlannedTable): Map<string, string> {
  return new Map(table.columns.map((column) => [column.name, column.kind]));
}
const FILE_KINDS = kinds(FILES_TABLE);
const STEP_KINDS = kinds(STEPS_TABLE);
const LOG_KINDS = kinds(LOGS_TABLE);
const RECEIPT_KINDS = kinds(RECEIPTS_TABLE);

function normalize(row: Record<string, unknown>, columnKinds: Map<string, string>): RawRow {
  const result: RawRow = {};
  for (const [column, value] of Object.entries(row)) {
    const kind = columnKinds.get(column);
    if (kind === 'timestamp') result[column] = parseTimestamp(column, value);
    else if (kind === 'boolean') result[column] = value === null ? null : parseBoolean(column, value);
    else if (kind === 'id' || kind === 'integer' || kind === 'bigint')
      result[column] = parseInteger(column, value);
    else if (value === null || value === undefined) result[column] = null;
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      result[column] = value;
    else if (value instanceof Date) result[column] = value;
    else result[column] = JSON.stringify(value);
  }
  return result;
}

/** Python's str(datetime) in UTC, as DocuElevate's SQLAlchemy models leave timestamps in SQLite. */
function pythonTimestamp(value: Date, microseconds = 0): string {
  const base = value.toISOString().slice(0, 19).replace('T', ' ');
  const fraction = value.getUTCMilliseconds() * 1000 + microseconds;
  return fraction === 0 ? base : `${base}.${String(fraction).padStart(6, '0')}`;
}

/** RawAccess for any SQL backend: reads and plants rows with plain SQL, bypassing the repositories. */
export function sqlRawAccess(dataSource: DataSource, dialect: Dialect): RawAccess {
  const sql = new SqlExecutor(dataSource, dialect, null);
  // Text timestamps get DocuElevate's own layout. Sub-millisecond digits travel as UTC text, which every backend's
  // timestamp column parses at its own precision.
  const legacyTime = (value: Date, microseconds = 0): unknown =>
    dialect.capabilities.timestamps === 'text' || microseconds !== 0
      ? pythonTimestamp(value, microseconds)
      : dialect.driver.time(value);
  return {
    async fileRow(fileId) {
      const row = await sql.one('SELECT * FROM files WHERE id = :fileId', { fileId });
      return row === null ? null : normalize(row, FILE_KINDS);
    },
    async stepRows(fileId) {
      const rows = await sql.rows('SELECT * FROM file_processing_steps WHERE file_id = :fileId ORDER BY id', {
        fileId,
      });
      return rows.map((row) => normalize(row, STEP_KINDS));
    },
    async logRows(fileId) {
      const rows = await sql.rows('SELECT * FROM processing_logs WHERE file_id = :fileId ORDER BY id', {
        fileId,
      });
      return rows.map((row) => normalize(row, LOG_KINDS));
    },
    async receiptRows(fileId) {
      const rows = await sql.rows(
        `SELECT file_id, event_id, fingerprint, log_id, outcome, created_at FROM ${RECEIPTS_TABLE.name}
         WHERE file_id = :fileId ORDER BY event_id`,
        { fileId },
      );
      return rows.map((row) => normalize(row, RECEIPT_KINDS));
    },
    async countTaskLevelLogs() {
      const row = await sql.one('SELECT COUNT(*) AS n FROM processing_logs WHERE file_id IS NULL');
      return parseInteger('n', row?.n) ?? 0;
    },
    async insertLegacyFile(row: LegacyFileRow) {
      const result = await sql.write(
        `INSERT INTO files (filehash, original_filename, local_filename, file_size, mime_type, is_duplicate, created_at)
         VALUES (:filehash, :originalFilename, :localFilename, :fileSize, :mimeType, :no, :createdAt)${returningId(dialect)}`,
        {
          filehash: row.filehash,
          originalFilename: row.originalFilename ?? null,
          localFilename: row.localFilename ?? `/workdir/tmp/${row.filehash}.pdf`,
          fileSize: row.fileSize ?? 1024,
          mimeType: row.mimeType ?? 'application/pdf',
          no: false,
          createdAt: legacyTime(new Date()),
        },
      );
      if (result.insertId === null) throw new Error('No id reported for the legacy file row.');
      return result.insertId;
    },
    async insertLegacyLogs(rows: readonly LegacyLogRow[]) {
      for (const row of rows) {
        await sql.write(
          `INSERT INTO processing_logs (file_id, task_id, step_name, status, message, detail, timestamp)
           VALUES (:fileId, :taskId, :stepName, :status, :message, :detail, :timestamp)`,
          {
            fileId: row.fileId,
            taskId: row.taskId ?? null,
            stepName: row.stepName,
            status: row.status,
            message: row.message ?? null,
            detail: row.detail ?? null,
            timestamp: legacyTime(row.timestamp, row.microseconds),
          },
        );
      }
    },
    async insertLegacyStep(fileId, stepName, status) {
      const now = legacyTime(new Date());
      await sql.write(
        `INSERT INTO file_processing_steps (file_id, step_name, status, created_at, updated_at)
         VALUES (:fileId, :stepName, :status, :now, :now)`,
        { fileId, stepName, status, now },
      );
    },
  };
}
