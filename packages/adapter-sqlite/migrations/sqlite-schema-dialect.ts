import type { ColumnKind, PlannedColumn, SchemaDialect } from '@steptrail/persistence-typeorm';
import type { QueryRunner } from 'typeorm';

const TYPES: Readonly<Record<ColumnKind, string>> = {
  id: 'INTEGER PRIMARY KEY',
  integer: 'INTEGER',
  bigint: 'INTEGER',
  boolean: 'BOOLEAN',
  // DocuElevate's SQLAlchemy models store DATETIME as text; steptrail writes the same text format.
  timestamp: 'DATETIME',
  varchar: 'VARCHAR(255)',
  short: 'VARCHAR(16)',
  text: 'TEXT',
};

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;

function definition(column: PlannedColumn): string {
  if (column.kind === 'id') return `${quote(column.name)} ${TYPES.id}`;
  const parts = [quote(column.name), TYPES[column.kind]];
  if (!column.nullable) parts.push('NOT NULL');
  if (column.defaultValue !== undefined) parts.push(`DEFAULT ${sqliteLiteral(column.defaultValue)}`);
  if (column.references !== undefined) parts.push(`REFERENCES ${column.references}`);
  return parts.join(' ');
}

const sqliteLiteral = (value: string): string => (value === 'FALSE' ? '0' : value === 'TRUE' ? '1' : value);

export const sqliteSchemaDialect: SchemaDialect = {
  tableOptions: '',
  quote,
  async tableExists(runner: QueryRunner, table: string) {
    const rows: unknown[] = await runner.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`, [table]);
    return rows.length > 0;
  },
  async columnNames(runner: QueryRunner, table: string) {
    const rows: Array<{ name: string }> = await runner.query(`PRAGMA table_info(${quote(table)})`);
    return new Set(rows.map((row) => row.name));
  },
  async indexNames(runner: QueryRunner, table: string) {
    const rows: Array<{ name: string }> = await runner.query(`PRAGMA index_list(${quote(table)})`);
    const names = new Set(rows.map((row) => row.name));
    // A UNIQUE constraint declared in CREATE TABLE shows as sqlite_autoindex_*: look for one on (file_id, step_name).
    for (const row of rows) {
      if (!row.name.startsWith('sqlite_autoindex_')) continue;
      const columns: Array<{ name: string }> = await runner.query(`PRAGMA index_info(${quote(row.name)})`);
      if (columns.map((column) => column.name).join(',') === 'file_id,step_name') names.add('unique_file_step');
    }
    return names;
  },
  columnDefinition: definition,
  tableConstraints: (table) =>
    table.name === 'file_processing_steps' ? ['CONSTRAINT unique_file_step UNIQUE (file_id, step_name)'] : [],
  addColumn: (table, column) => `ALTER TABLE ${quote(table)} ADD COLUMN ${definition(column)}`,
  createIndex: (table, index) =>
    `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quote(index.name)} ON ${quote(table)} (${index.columns.map(quote).join(', ')})`,
  dropIndex: (_table, index) => `DROP INDEX IF EXISTS ${quote(index)}`,
  dropColumn: (table, column) => `ALTER TABLE ${quote(table)} DROP COLUMN ${quote(column)}`,
};
