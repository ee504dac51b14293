import type { DataSource } from 'typeorm';

export const DOCUELEVATE_TABLES = ['files', 'file_processing_steps', 'processing_logs'] as const;

type Row = Record<string, unknown>;

/** The rows a query returned, as records. */
export const rowsOf = async (dataSource: DataSource, sql: string, params: unknown[] = []): Promise<Row[]> => {
  const result: unknown = await dataSource.query(sql, params);
  if (!Array.isArray(result)) throw new Error(`Expected rows from: ${sql}`);
  return result.filter((row): row is Row => typeof row === 'object' && row !== null);
};

/**
 * A table's definition, comparable with toEqual: columns in order with type, nullability, default, collation and
 * comment;
 * indexes and foreign keys as sorted sets (their order in SHOW CREATE TABLE depends on when they were made);
 * engine, row format and collation.
 */
export async function tableSchema(dataSource: DataSource, table: string) {
  const inSchema = 'TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?';
  const columns = await rowsOf(
    dataSource,
    `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS defaultValue,
       EXTRA AS extra, COLLATION_NAME AS collation, COLUMN_COMMENT AS comment
     FROM information_schema.COLUMNS WHERE ${inSchema} ORDER BY ORDINAL_POSITION`,
    [table],
  );
  const indexes = await rowsOf(
    dataSource,
    `SELECT INDEX_NAME AS name, NON_UNIQUE AS nonUnique, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS columns
     FROM information_schema.STATISTICS WHERE ${inSchema} GROUP BY INDEX_NAME, NON_UNIQUE ORDER BY INDEX_NAME`,
    [table],
  );
  const foreignKeys = await rowsOf(
    dataSource,
    `SELECT CONSTRAINT_NAME AS name, GROUP_CONCAT(COLUMN_NAME ORDER BY ORDINAL_POSITION) AS columns,
       MAX(REFERENCED_TABLE_NAME) AS parent
     FROM information_schema.KEY_COLUMN_USAGE WHERE ${inSchema} AND REFERENCED_TABLE_NAME IS NOT NULL
     GROUP BY CONSTRAINT_NAME ORDER BY CONSTRAINT_NAME`,
    [table],
  );
  const [options] = await rowsOf(
    dataSource,
    `SELECT ENGINE AS engine, ROW_FORMAT AS rowFormat, TABLE_COLLATION AS collation FROM information_schema.TABLES WHERE ${inSchema}`,
    [table],
  );
  return { columns, indexes, foreignKeys, options };
}

/** The definitions of DocuElevate's three tables. */
export async function docuElevateSchema(dataSource: DataSource) {
  const entries = await Promise.all(
    DOCUELEVATE_TABLES.map(async (table) => [table, await tableSchema(dataSource, table)] as const),
  );
  return Object.fromEntries(entries);
}

/** Every row of the table in id order, `columns` only when given. */
export function tableRows(
  dataSource: DataSource,
  table: string,
  columns?: readonly string[],
): Promise<Row[]> {
  const list = columns === undefined ? '*' : columns.map((column) => `\`${column}\``).join(', ');
  return rowsOf(dataSource, `SELECT ${list} FROM \`${table}\` ORDER BY id`);
}

/** Every row of DocuElevate's three tables. */
export async function docuElevateRows(dataSource: DataSource) {
  const entries = await Promise.all(
    DOCUELEVATE_TABLES.map(async (table) => [table, await tableRows(dataSource, table)] as const),
  );
  return Object.fromEntries(entries);
}

/** Names of the tables in the current database. */
export async function tableNames(dataSource: DataSource): Promise<string[]> {
  const rows = await rowsOf(
    dataSource,
    'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME',
  );
  return rows.map((row) => String(row.name));
}

/** SHOW CREATE TABLE of DocuElevate's three tables: the server's own spelling of every definition. */
export async function docuElevateCreateStatements(dataSource: DataSource): Promise<Record<string, string>> {
  const entries = await Promise.all(
    DOCUELEVATE_TABLES.map(async (table) => {
      const [row] = await rowsOf(dataSource, `SHOW CREATE TABLE \`${table}\``);
      return [table, String(row?.['Create Table'])] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * Every row of the table in id order, `columns` only when given, DATETIME values spelled to the microsecond by the
 * server: equal output means equal stored values, whatever the column's precision and JavaScript's milliseconds.
 */
export async function exactRows(
  dataSource: DataSource,
  table: string,
  columns?: readonly string[],
): Promise<Row[]> {
  const types = await rowsOf(
    dataSource,
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS type FROM information_schema.COLUMNS
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [table],
  );
  const list = types
    .filter((column) => columns === undefined || columns.includes(String(column.name)))
    .map(({ name, type }) =>
      type === 'datetime' || type === 'timestamp'
        ? `DATE_FORMAT(\`${String(name)}\`, '%Y-%m-%d %H:%i:%s.%f') AS \`${String(name)}\``
        : `\`${String(name)}\``,
    );
  return rowsOf(dataSource, `SELECT ${list.join(', ')} FROM \`${table}\` ORDER BY id`);
}

/** exactRows of DocuElevate's three tables. */
export async function exactDocuElevateRows(dataSource: DataSource) {
  const entries = await Promise.all(
    DOCUELEVATE_TABLES.map(async (table) => [table, await exactRows(dataSource, table)] as const),
  );
  return Object.fromEntries(entries);
}
