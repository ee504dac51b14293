import {
  DEFAULT_FILE_SORT,
  filtersSteps,
  prefixUpperBound,
  type FileCursor,
  type FileListQuery,
  type FilePage,
  type FileSort,
} from '@steptrail/domain';
import { parseTimestamp } from '../mappers/column-parsers.js';
import { FILE_COLUMNS, LIVE, toFileRecord } from '../mappers/row-mappers.js';
import type { SqlExecutor, SqlParams } from '../sql-executor.js';

/** A LIKE pattern matching `text` anywhere, with `!` escaping the wildcards in it. */
export const containsPattern = (text: string): string =>
  `%${text.toLowerCase().replace(/[!%_]/g, (char) => `!${char}`)}%`;

/**
 * The WHERE conditions of a file filter (docs/architecture.md#file-search), each one an index can serve: statuses on
 * `ix_files_status_id`, the hash prefix as a range on `ix_files_filehash`, the MIME type on `ix_files_mime_id`,
 * times on `ix_files_created_id` / `ix_files_updated_id`, and the failed-step conditions through the partial
 * index of failed steps.
 */
export function fileFilterSql(sql: SqlExecutor, query: FileListQuery, params: SqlParams): string[] {
  const time = (value: Date) => sql.dialect.driver.time(value);
  const where: string[] = [];
  if (query.statuses !== undefined) {
    where.push(query.statuses.length === 0 ? '1 = 0' : 'processing_status IN (:...statuses)');
    params.statuses = [...query.statuses];
  }
  if (query.status !== undefined) {
    where.push('processing_status = :status');
    params.status = query.status;
  }
  if (query.ids !== undefined) {
    where.push(query.ids.length === 0 ? '1 = 0' : 'id IN (:...ids)');
    params.ids = [...new Set(query.ids)];
  }
  if (query.search !== undefined && query.search !== '') {
    where.push(`LOWER(original_filename) LIKE :pattern ESCAPE '!'`);
    params.pattern = containsPattern(query.search);
  }
  if (query.mimeType !== undefined) {
    where.push('mime_type = :mimeType');
    params.mimeType = query.mimeType;
  }
  if (query.hashPrefix !== undefined && query.hashPrefix !== '') {
    where.push('filehash >= :hashLow AND filehash < :hashHigh');
    params.hashLow = query.hashPrefix;
    params.hashHigh = prefixUpperBound(query.hashPrefix);
  }
  const ranges = [
    ['created_at', 'createdFrom', '>=', query.createdFrom],
    ['created_at', 'createdBefore', '<', query.createdBefore],
    ['updated_at', 'updatedFrom', '>=', query.updatedFrom],
    ['updated_at', 'updatedBefore', '<', query.updatedBefore],
  ] as const;
  for (const [column, name, operator, value] of ranges) {
    if (value === undefined) continue;
    where.push(`${column} ${operator} :${name}`);
    params[name] = time(value);
  }
  if (filtersSteps(query)) where.push(failedStepExists(query, params));
  return where;
}

/** The failed-step conditions as one EXISTS over the file's step rows (`unique_file_step` finds them). */
function failedStepExists(query: FileListQuery, params: SqlParams): string {
  const conditions = ['s.file_id = files.id', `s.status = 'failure'`];
  if (query.failedStep !== undefined) {
    conditions.push('s.step_name = :failedStep');
    params.failedStep = query.failedStep;
  }
  if (query.errorText !== undefined) {
    conditions.push(`LOWER(s.error_message) LIKE :errorPattern ESCAPE '!'`);
    params.errorPattern = containsPattern(query.errorText);
  }
  return `EXISTS (SELECT 1 FROM file_processing_steps s WHERE ${conditions.join(' AND ')})`;
}

interface Section {
  /** The rows of this section: those with a time, or those without. */
  where: string;
  order: string;
  /** The keyset condition continuing after the cursor, when the cursor lies in this section. */
  after(cursor: FileCursor, params: SqlParams): string;
  holds(cursor: FileCursor): boolean;
}

/**
 * The order as sections read one after the other. Sorting by a time that some rows lack would put those rows at
 * different ends on different databases (PostgreSQL sorts NULL last, SQLite and MySQL first), and `COALESCE` would
 * defeat the index; so rows without the time form their own section, before the timed ones in ascending order
 * (after them descending), each section read in index order.
 */
function sections(sort: FileSort, sql: SqlExecutor): Section[] {
  const dir = sort.direction === 'asc' ? 'ASC' : 'DESC';
  const [less, lessOrEqual] = sort.direction === 'asc' ? ['>', '>='] : ['<', '<='];
  if (sort.key === 'id') {
    return [
      {
        where: '1 = 1',
        order: `id ${dir}`,
        holds: () => true,
        after: (cursor, params) => {
          params.afterId = cursor.id;
          return `id ${less} :afterId`;
        },
      },
    ];
  }
  const column = sort.key === 'created' ? 'created_at' : 'updated_at';
  const timed: Section = {
    where: `${column} IS NOT NULL`,
    order: `${column} ${dir}, id ${dir}`,
    holds: (cursor) => cursor.value !== null,
    after: (cursor, params) => {
      params.afterValue = cursor.value === null ? null : sql.dialect.driver.time(cursor.value);
      params.afterId = cursor.id;
      // The first condition alone bounds the index range; the second skips the rows of the same time already read.
      return `${column} ${lessOrEqual} :afterValue AND (${column} ${less} :afterValue OR id ${less} :afterId)`;
    },
  };
  const untimed: Section = {
    where: `${column} IS NULL`,
    order: `id ${dir}`,
    holds: (cursor) => cursor.value === null,
    after: (cursor, params) => {
      params.afterId = cursor.id;
      return `id ${less} :afterId`;
    },
  };
  return sort.direction === 'asc' ? [untimed, timed] : [timed, untimed];
}

/** One page of the file search: the sections from the cursor's on, until the page is full. */
/** `columns`: the file columns to read (FILE_COLUMNS, with DocuElevate's plan where `files` has it). */
export async function searchFilesSql(
  sql: SqlExecutor,
  query: FileListQuery,
  columns: string = FILE_COLUMNS,
): Promise<FilePage> {
  const sort = query.sort ?? DEFAULT_FILE_SORT;
  const base: SqlParams = {};
  const filter = [LIVE, ...fileFilterSql(sql, query, base)];
  if (query.beforeId !== undefined) {
    filter.push('id < :beforeId');
    base.beforeId = query.beforeId;
  }
  const all = sections(sort, sql);
  const cursor = query.after;
  const start =
    cursor === undefined
      ? 0
      : Math.max(
          0,
          all.findIndex((section) => section.holds(cursor)),
        );
  const rows: Record<string, unknown>[] = [];
  for (const [index, section] of all.entries()) {
    if (index < start || rows.length > query.limit) continue;
    const params: SqlParams = { ...base, limit: query.limit + 1 - rows.length };
    const where = [...filter, section.where];
    if (cursor !== undefined && index === start) where.push(section.after(cursor, params));
    rows.push(
      ...(await sql.rows(
        `SELECT ${columns} FROM files WHERE ${where.join(' AND ')} ORDER BY ${section.order} LIMIT :limit`,
        params,
      )),
    );
  }
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const items = page.map(toFileRecord);
  const lastItem = items[items.length - 1];
  if (rows.length <= query.limit || last === undefined || lastItem === undefined) {
    return { items, next: null, nextBeforeId: null };
  }
  const column = sort.key === 'created' ? last.created_at : last.updated_at;
  const value = sort.key === 'id' ? null : parseTimestamp(`files.${sort.key}_at`, column);
  const isDefault = sort.key === 'id' && sort.direction === 'desc';
  return { items, next: { sort, value, id: lastItem.id }, nextBeforeId: isDefault ? lastItem.id : null };
}
