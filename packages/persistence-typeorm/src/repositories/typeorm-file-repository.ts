import {
  OVERALL_STATUSES,
  PENDING_ROLLUP,
  encodeWorkflow,
  type FileListQuery,
  type FilePage,
  type FileRecord,
  type FileRepository,
  type FileRollup,
  type FileRollupSource,
  type NewFile,
  type StatusCounts,
} from '@steptrail/domain';
import {
  FILE_COLUMNS,
  ROLLUP_COLUMNS,
  ROLLUP_SOURCE_COLUMNS,
  LIVE,
  PROCESSED_PATH_COLUMN,
  fileColumns,
  toFileRecord,
  toRollupSource,
} from '../mappers/row-mappers.js';
import type { SqlExecutor } from '../sql-executor.js';
import { parseText, requireInteger } from '../mappers/column-parsers.js';
import { returningId, rowLock } from '../define-dialect.js';
import { searchFilesSql } from './file-search-sql.js';

const ROLLUPS_PER_STATEMENT = 2000;

// Each rollup column bound to a parameter named after its field: the one column list both statements use.
const ROLLUP_NAMES = ROLLUP_COLUMNS.map(([column]) => column).join(', ');
const ROLLUP_PARAMS = ROLLUP_COLUMNS.map(([, field]) => `:${field}`).join(', ');
const ROLLUP_ASSIGNMENTS = ROLLUP_COLUMNS.map(([column, field]) => `${column} = :${field}`).join(', ');

export class TypeormFileRepository implements FileRepository {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly now: () => Date,
    /** Columns a new file row must name beyond steptrail's, with their values (see FILES_INSERT_DEFAULTS). */
    private readonly insertDefaults: Readonly<Record<string, unknown>> = {},
    /** Whether `files` has DocuElevate's `workflow_plan` (read with every file then). */
    hasPlan = false,
    /** Whether `files` has DocuElevate's `processed_file_path` (read only for downloads). */
    private readonly hasProcessedPath = false,
  ) {
    this.columns = fileColumns(FILE_COLUMNS, hasPlan);
    this.sourceColumns = fileColumns(ROLLUP_SOURCE_COLUMNS, hasPlan);
  }

  private readonly columns: string;
  private readonly sourceColumns: string;

  async create(file: NewFile): Promise<FileRecord> {
    const d = this.sql.dialect;
    const now = d.driver.time(this.now());
    const extra = Object.keys(this.insertDefaults);
    const result = await this.sql.write(
      `INSERT INTO files (filehash, original_filename, local_filename, file_size, mime_type, is_duplicate, workflow,
         managed, ${ROLLUP_NAMES}, ${[...extra, 'created_at'].join(', ')}, updated_at)
       VALUES (:filehash, :originalFilename, :localFilename, :fileSize, :mimeType, :no, :workflow, :managed,
         ${ROLLUP_PARAMS}, ${[...extra, 'now'].map((name) => `:${name}`).join(', ')}, :now)${returningId(d)}`,
      {
        ...this.insertDefaults,
        ...file,
        ...rollupParams(PENDING_ROLLUP, (value) => d.driver.time(value)),
        workflow: encodeWorkflow(file.workflow),
        managed: file.managed,
        no: false,
        now,
      },
    );
    if (result.insertId === null) throw new Error('The database did not report the id of the new file.');
    const created = await this.get(result.insertId);
    if (created === null) throw new Error(`File ${result.insertId} vanished right after its insert.`);
    return created;
  }

  async get(id: number): Promise<FileRecord | null> {
    const row = await this.sql.one(`SELECT ${this.columns} FROM files WHERE id = :id AND ${LIVE}`, { id });
    return row === null ? null : toFileRecord(row);
  }

  async processedFilePath(id: number): Promise<string | null> {
    if (!this.hasProcessedPath) return null;
    const row = await this.sql.one(
      `SELECT ${PROCESSED_PATH_COLUMN} AS path FROM files WHERE id = :id AND ${LIVE}`,
      { id },
    );
    const path = parseText('files.processed_file_path', row?.path)?.trim() ?? '';
    return path === '' ? null : path;
  }

  async getMany(ids: readonly number[]): Promise<FileRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.sql.rows(
      `SELECT ${this.columns} FROM files WHERE id IN (:...ids) AND ${LIVE} ORDER BY id`,
      {
        ids: [...new Set(ids)],
      },
    );
    return rows.map(toFileRecord);
  }

  async rollupSources(ids: readonly number[]): Promise<FileRollupSource[]> {
    const wanted = new Set(ids);
    if (wanted.size === 0) return [];
    const low = Math.min(...wanted);
    const high = Math.max(...wanted);
    // A backfill's batch is mostly consecutive ids: a range binds two values where a list binds thousands.
    const rows =
      high - low + 1 === wanted.size
        ? await this.sql.rows(
            `SELECT ${this.sourceColumns} FROM files WHERE id BETWEEN :low AND :high AND ${LIVE} ORDER BY id`,
            { low, high },
          )
        : await this.sql.rows(
            `SELECT ${this.sourceColumns} FROM files WHERE id IN (:...ids) AND ${LIVE} ORDER BY id`,
            {
              ids: [...wanted],
            },
          );
    return rows.map(toRollupSource);
  }

  async lock(id: number): Promise<FileRecord | null> {
    const row = await this.sql.one(
      `SELECT ${this.columns} FROM files WHERE id = :id AND ${LIVE}${rowLock(this.sql.dialect, 'fileRow')}`,
      {
        id,
      },
    );
    return row === null ? null : toFileRecord(row);
  }

  async lockMany(ids: readonly number[]): Promise<FileRecord[]> {
    if (ids.length === 0) return [];
    // In id order, so two transactions locking overlapping sets of files cannot deadlock.
    const rows = await this.sql.rows(
      `SELECT ${this.columns} FROM files WHERE id IN (:...ids) AND ${LIVE} ORDER BY id${rowLock(this.sql.dialect, 'fileRow')}`,
      { ids: [...new Set(ids)] },
    );
    return rows.map(toFileRecord);
  }

  async saveRollup(id: number, rollup: FileRollup): Promise<void> {
    const d = this.sql.dialect;
    await this.sql.write(`UPDATE files SET ${ROLLUP_ASSIGNMENTS}, updated_at = :now WHERE id = :id`, {
      ...rollupParams(rollup, (value) => d.driver.time(value)),
      id,
      now: d.driver.time(this.now()),
    });
  }

  /** One UPDATE per chunk of files, from a list of rows; backfills write thousands at once. */
  async saveRollups(rollups: ReadonlyMap<number, FileRollup>): Promise<void> {
    const [only, ...others] = rollups;
    if (only !== undefined && others.length === 0) return this.saveRollup(...only);
    const d = this.sql.dialect;
    const columns = ROLLUP_COLUMNS.map(([column, , kind]) => [column, kind] as const);
    const entries = [...rollups];
    for (let start = 0; start < entries.length; start += ROLLUPS_PER_STATEMENT) {
      const rows = entries
        .slice(start, start + ROLLUPS_PER_STATEMENT)
        .map(([id, rollup]) => [
          id,
          ...ROLLUP_COLUMNS.map(([, field]) => rollupValue(rollup, field, (value) => d.driver.time(value))),
        ]);
      const update = d.sql.updateFromRows({
        table: 'files',
        keys: [['id', 'integer']],
        columns,
        rows,
        extra: 'updated_at = :now',
      });
      await this.sql.write(update.sql, { ...update.params, now: d.driver.time(this.now()) });
    }
  }

  async setDuplicate(id: number, isDuplicate: boolean, duplicateOfId: number | null): Promise<void> {
    await this.sql.write(
      'UPDATE files SET is_duplicate = :isDuplicate, duplicate_of_id = :duplicateOfId, updated_at = :now WHERE id = :id',
      { id, isDuplicate, duplicateOfId, now: this.sql.dialect.driver.time(this.now()) },
    );
  }

  async findOriginal(filehash: string, exceptId: number): Promise<FileRecord | null> {
    const row = await this.sql.one(
      `SELECT ${this.columns} FROM files WHERE filehash = :filehash AND id <> :exceptId AND is_duplicate = :no AND ${LIVE}
       ORDER BY id LIMIT 1`,
      { filehash, exceptId, no: false },
    );
    return row === null ? null : toFileRecord(row);
  }

  async delete(id: number): Promise<boolean> {
    // A tombstone, not a DELETE: rows that reference the file (its history, a duplicate's duplicate_of_id) keep it,
    // whatever foreign keys the database declares (docs/architecture.md#deleting-files).
    const result = await this.sql.write(
      `UPDATE files SET deleted_at = :now, updated_at = :now WHERE id = :id AND ${LIVE}`,
      { id, now: this.sql.dialect.driver.time(this.now()) },
    );
    if (result.affected === 0) return false;
    await this.sql.write('DELETE FROM file_processing_steps WHERE file_id = :id', { id });
    return true;
  }

  async list(query: FileListQuery): Promise<FilePage> {
    return searchFilesSql(this.sql, query, this.columns);
  }

  async countByStatus(): Promise<StatusCounts> {
    const counts = Object.fromEntries(OVERALL_STATUSES.map((status) => [status, 0])) as StatusCounts;
    // Every file by status from ix_files_status_id, less the deleted ones from ix_files_status_deleted (a range
    // per status, tombstones only): one statement, so one snapshot, and no table row read
    // (docs/architecture.md#status-counts).
    const rows = await this.sql.rows(
      `SELECT processing_status AS status, COUNT(*) AS n, 1 AS sign FROM files GROUP BY processing_status
       UNION ALL
       SELECT processing_status AS status, COUNT(*) AS n, -1 AS sign FROM files
        WHERE processing_status IN (:...statuses) AND deleted_at IS NOT NULL GROUP BY processing_status`,
      { statuses: OVERALL_STATUSES },
    );
    for (const row of rows) {
      const status = OVERALL_STATUSES.find((known) => known === row.status);
      if (status !== undefined)
        counts[status] += requireInteger('count', row.n) * requireInteger('sign', row.sign);
    }
    return counts;
  }

  async listAfter(afterId: number, limit: number): Promise<FileRecord[]> {
    const rows = await this.sql.rows(
      `SELECT ${this.columns} FROM files WHERE id > :afterId AND ${LIVE} ORDER BY id LIMIT :limit`,
      {
        afterId,
        limit,
      },
    );
    return rows.map(toFileRecord);
  }
}

/** What a rollup field's column stores: instants as the dialect binds them. */
function rollupValue(rollup: FileRollup, field: keyof FileRollup, time: (value: Date) => unknown): unknown {
  const value = rollup[field];
  return value instanceof Date ? time(value) : value;
}

/** The rollup as parameters named after its fields, as ROLLUP_PARAMS and ROLLUP_ASSIGNMENTS bind them. */
const rollupParams = (rollup: FileRollup, time: (value: Date) => unknown): Record<string, unknown> =>
  Object.fromEntries(ROLLUP_COLUMNS.map(([, field]) => [field, rollupValue(rollup, field, time)]));
