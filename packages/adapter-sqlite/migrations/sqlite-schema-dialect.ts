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

/** The `name` column of PRAGMA/sqlite_master rows, checked rather than cast. */
function names(rows: unknown): string[] {
  if (!Array.isArray(rows)) throw new Error('SQLite returned no rows array for a schema query.');
  return rows.map((row: unknown) => {
    if (typeof row === 'object' && row !== null && 'name' in row && typeof row.name === 'string')
      return row.name;
    throw new Error(`Unexpected schema row ${JSON.stringify(row)}.`);
  });
}

const sqliteLiteral = (value: string): string => (value === 'FALSE' ? '0' : value === 'TRUE' ? '1' : value);

export const sqliteSchemaDialect: SchemaDialect = {
  tableOptions: '',
  quote,
  async tableExists(runner: QueryRunner, table: string) {
    return (
      names(await runner.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`, [table]))
        .length > 0
    );
  },
  async columnNames(runner: QueryRunner, table: string) {
    return new Set(names(await runner.query(`PRAGMA table_info(${quote(table)})`)));
  },
  async indexNames(runner: QueryRunner, table: string) {
    const indexes = new Set(names(await runner.query(`PRAGMA index_list(${quote(table)})`)));
    // A UNIQUE constraint declared in CREATE TABLE shows as sqlite_autoindex_*: look for one on (file_id, step_name).
    for (const index of [...indexes]) {
      if (!index.startsWith('sqlite_autoindex_')) continue;
      const columns = names(await runner.query(`PRAGMA index_info(${quote(index)})`));
      if (columns.join(',') === 'file_id,step_name') indexes.add('unique_file_step');
    }
    return indexes;
  },
  columnDefinition: definition,
  tableConstraints: (table) =>
    table.name === 'file_processing_steps' ? ['CONSTRAINT unique_file_step UNIQUE (file_id, step_name)'] : [],
  addColumn: (table, column) => `ALTER TABLE ${quote(table)} ADD COLUMN ${definition(column)}`,
  createIndex: (table, index) =>
    `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quote(index.name)} ON ${quote(table)} (${index.columns.map(quote).join(', ')})${index.where === undefined ? '' : ` WHERE ${index.where}`}`,
  dropIndex: (_table, index) => `DROP INDEX IF EXISTS ${quote(index)}`,
  dropColumn: (table, column) => `ALTER TABLE ${quote(table)} DROP COLUMN ${quote(column)}`,
};
