import type { ColumnKind, PlannedColumn, PlannedIndex, SchemaDialect } from '@steptrail/persistence-typeorm';
import type { QueryRunner } from 'typeorm';

const TYPES: Readonly<Record<ColumnKind, string>> = {
  // DocuElevate's SQLAlchemy models use Integer ids, which PostgreSQL gets as SERIAL.
  id: 'SERIAL PRIMARY KEY',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  boolean: 'BOOLEAN',
  // DocuElevate's DateTime(timezone=True); microseconds, as PostgreSQL keeps at most.
  timestamp: 'TIMESTAMP(6) WITH TIME ZONE',
  varchar: 'VARCHAR(255)',
  short: 'VARCHAR(16)',
  text: 'TEXT',
};

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;

function definition(column: PlannedColumn): string {
  if (column.kind === 'id') return `${quote(column.name)} ${TYPES.id}`;
  const parts = [quote(column.name), TYPES[column.kind]];
  if (!column.nullable) parts.push('NOT NULL');
  if (column.defaultValue !== undefined) parts.push(`DEFAULT ${column.defaultValue}`);
  if (column.references !== undefined) parts.push(`REFERENCES ${column.references}`);
  return parts.join(' ');
}

/** Indexes of a table in the current schema, with their columns in key order. */
const INDEXES_SQL = `
SELECT i.relname AS name, ix.indisunique AS is_unique,
  ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, position)
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.position)::text[] AS columns
FROM pg_index ix
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = current_schema() AND t.relname = $1`;

/** Rows of a catalog query; information_schema and pg_catalog give text, booleans and text[] as asked. */
async function select(
  runner: QueryRunner,
  sql: string,
  params: unknown[],
): Promise<Array<Record<string, unknown>>> {
  const result: unknown = await runner.query(sql, params);
  if (!Array.isArray(result)) throw new Error(`Expected rows from: ${sql}`);
  return result.filter((row): row is Record<string, unknown> => typeof row === 'object' && row !== null);
}

const text = (value: unknown): string => {
  if (typeof value !== 'string')
    throw new Error(`Expected text from the catalog, got ${JSON.stringify(value)}`);
  return value;
};

export const postgresSchemaDialect: SchemaDialect = {
  tableOptions: '',
  quote,
  async tableExists(runner: QueryRunner, table: string) {
    const rows = await select(
      runner,
      `SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`,
      [table],
    );
    return rows.length > 0;
  },
  async columnNames(runner: QueryRunner, table: string) {
    const rows = await select(
      runner,
      `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
      [table],
    );
    return new Set(rows.map((row) => text(row.column_name)));
  },
  async indexNames(runner: QueryRunner, table: string) {
    const rows = await select(runner, INDEXES_SQL, [table]);
    const names = new Set(rows.map((row) => text(row.name)));
    // Whatever a database calls its UNIQUE(file_id, step_name), it is the key steptrail's upserts rely on.
    const isStepKey = (row: Record<string, unknown>) =>
      row.is_unique === true && Array.isArray(row.columns) && row.columns.join(',') === 'file_id,step_name';
    if (rows.some(isStepKey)) names.add('unique_file_step');
    return names;
  },
  columnDefinition: definition,
  tableConstraints: (table) =>
    table.name === 'file_processing_steps' ? ['CONSTRAINT unique_file_step UNIQUE (file_id, step_name)'] : [],
  addColumn: (table, column) => `ALTER TABLE ${quote(table)} ADD COLUMN ${definition(column)}`,
  createIndex: (table, index) => createIndex(table, index),
  dropIndex: (_table, index) => `DROP INDEX IF EXISTS ${quote(index)}`,
  dropColumn: (table, column) => `ALTER TABLE ${quote(table)} DROP COLUMN IF EXISTS ${quote(column)}`,
};

function createIndex(table: string, index: PlannedIndex): string {
  const columns = index.columns.map(quote).join(', ');
  // A unique key becomes a constraint, as DocuElevate declares unique_file_step, so both databases look alike.
  if (index.unique)
    return `ALTER TABLE ${quote(table)} ADD CONSTRAINT ${quote(index.name)} UNIQUE (${columns})`;
  const where = index.where === undefined ? '' : ` WHERE ${index.where}`;
  return `CREATE INDEX IF NOT EXISTS ${quote(index.name)} ON ${quote(table)} (${columns})${where}`;
}
