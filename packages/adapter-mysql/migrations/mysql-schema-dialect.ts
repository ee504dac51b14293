import type {
  ColumnKind,
  PlannedColumn,
  PlannedIndex,
  PlannedTable,
  SchemaDialect,
} from '@steptrail/persistence-typeorm';
import type { QueryRunner } from 'typeorm';

/** steptrail's own type for each column kind; an adopted column narrower than this is widened to it. */
export const MYSQL_COLUMN_TYPES: Readonly<Record<Exclude<ColumnKind, 'id'>, string>> = {
  integer: 'INT',
  bigint: 'BIGINT',
  boolean: 'BOOLEAN',
  // Microseconds, so log order and the fold see what the writer saw (SQLAlchemy's DATETIME keeps seconds only).
  timestamp: 'DATETIME(6)',
  varchar: 'VARCHAR(255)',
  short: 'VARCHAR(16)',
  text: 'TEXT',
};

/**
 * InnoDB so foreign keys and row locks exist; DYNAMIC rows allow 3072-byte index keys, which the log index
 * (file_id, step_name VARCHAR(255) × 4 bytes, timestamp, id) needs. utf8mb4_bin compares text exactly, as
 * SQLite and PostgreSQL do; an adopted DocuElevate table keeps its own collation.
 */
const TABLE_OPTIONS = ' ENGINE=InnoDB ROW_FORMAT=DYNAMIC DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';

export const quoteMysql = (identifier: string): string => `\`${identifier.replace(/`/g, '``')}\``;

/** Rows of a metadata query, typed as what they are: unknown values by column name. */
export async function queryRows(
  runner: QueryRunner,
  sql: string,
  params: unknown[],
): Promise<Record<string, unknown>[]> {
  const result: unknown = await runner.query(sql, params);
  if (!Array.isArray(result)) throw new Error(`Expected rows from: ${sql}`);
  return result.filter((row): row is Record<string, unknown> => typeof row === 'object' && row !== null);
}

/** A metadata value as text (some server versions return information_schema values as binary strings). */
export const textValue = (value: unknown): string =>
  Buffer.isBuffer(value) ? value.toString('utf8') : String(value);

function definition(column: PlannedColumn): string {
  if (column.kind === 'id') return `${quoteMysql(column.name)} INT NOT NULL AUTO_INCREMENT PRIMARY KEY`;
  const parts = [
    quoteMysql(column.name),
    MYSQL_COLUMN_TYPES[column.kind],
    column.nullable ? 'NULL' : 'NOT NULL',
  ];
  if (column.defaultValue !== undefined) parts.push(`DEFAULT ${column.defaultValue}`);
  return parts.join(' ');
}

/** "files(id)" → ["files", "id"]. */
function target(references: string): [string, string] {
  const match = /^(\w+)\s*\((\w+)\)$/.exec(references);
  if (match?.[1] === undefined || match[2] === undefined)
    throw new Error(`Cannot read the reference ${references}`);
  return [match[1], match[2]];
}

/** InnoDB ignores an inline REFERENCES clause, so every foreign key is a named table constraint. */
function foreignKey(table: string, column: PlannedColumn & { references: string }): string {
  const [parent, key] = target(column.references);
  return `CONSTRAINT ${quoteMysql(`fk_${table}_${column.name}`)} FOREIGN KEY (${quoteMysql(column.name)}) REFERENCES ${quoteMysql(parent)} (${quoteMysql(key)})`;
}

const hasReference = (column: PlannedColumn): column is PlannedColumn & { references: string } =>
  column.references !== undefined;

interface IndexShape {
  name: string;
  unique: boolean;
  columns: string[];
}

/** The indexes of a table in the current database, with their columns in key order. */
export async function indexShapes(runner: QueryRunner, table: string): Promise<IndexShape[]> {
  const rows = await queryRows(
    runner,
    `SELECT INDEX_NAME AS name, NON_UNIQUE AS non_unique, COLUMN_NAME AS column_name
     FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?
     ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    [table],
  );
  const shapes = new Map<string, IndexShape>();
  for (const row of rows) {
    const name = textValue(row.name);
    const shape = shapes.get(name) ?? { name, unique: Number(row.non_unique) === 0, columns: [] };
    shape.columns.push(textValue(row.column_name));
    shapes.set(name, shape);
  }
  return [...shapes.values()];
}

/** How steptrail's schema plan is spelled on MySQL 8 and MariaDB 10.6+, and how existing objects are found. */
export const mysqlSchemaDialect: SchemaDialect = {
  tableOptions: TABLE_OPTIONS,
  quote: quoteMysql,
  async tableExists(runner, table) {
    const rows = await queryRows(
      runner,
      'SELECT 1 AS found FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
      [table],
    );
    return rows.length > 0;
  },
  async columnNames(runner, table) {
    const rows = await queryRows(
      runner,
      'SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
      [table],
    );
    return new Set(rows.map((row) => textValue(row.name)));
  },
  async indexNames(runner, table) {
    const shapes = await indexShapes(runner, table);
    const names = new Set(shapes.map((shape) => shape.name));
    // A UNIQUE (file_id, step_name) created without a name is named after its first column; it is the same
    // constraint, and a second one would only slow every write down.
    if (shapes.some((shape) => shape.unique && shape.columns.join(',') === 'file_id,step_name'))
      names.add('unique_file_step');
    return names;
  },
  columnDefinition: definition,
  tableConstraints: (table: PlannedTable) => [
    ...table.columns.filter(hasReference).map((column) => foreignKey(table.name, column)),
    ...(table.name === 'file_processing_steps'
      ? ['CONSTRAINT `unique_file_step` UNIQUE (`file_id`, `step_name`)']
      : []),
  ],
  addColumn: (table, column) =>
    `ALTER TABLE ${quoteMysql(table)} ADD COLUMN ${definition(column)}${hasReference(column) ? `, ADD ${foreignKey(table, column)}` : ''}`,
  // MySQL 8 has no CREATE INDEX IF NOT EXISTS; the plan creates only the indexes indexNames did not report.
  createIndex: (table: string, index: PlannedIndex) =>
    `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quoteMysql(index.name)} ON ${quoteMysql(table)} (${index.columns.map(quoteMysql).join(', ')})`,
  dropIndex: (table, index) => `DROP INDEX ${quoteMysql(index)} ON ${quoteMysql(table)}`,
  dropColumn: (table, column) => `ALTER TABLE ${quoteMysql(table)} DROP COLUMN ${quoteMysql(column)}`,
};
