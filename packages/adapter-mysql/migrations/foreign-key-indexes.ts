import { SCHEMA_PLAN } from '@steptrail/persistence-typeorm';
import type { QueryRunner } from 'typeorm';
import { indexShapes, queryRows, quoteMysql } from './mysql-schema-dialect.js';

interface ForeignKey {
  name: string;
  columns: string[];
}

async function foreignKeys(runner: QueryRunner, table: string): Promise<ForeignKey[]> {
  const rows = await queryRows(
    runner,
    `SELECT CONSTRAINT_NAME AS name, COLUMN_NAME AS column_name FROM information_schema.KEY_COLUMN_USAGE
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND REFERENCED_TABLE_NAME IS NOT NULL
     ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION`,
    [table],
  );
  const keys = new Map<string, ForeignKey>();
  for (const row of rows) {
    const name = String(row.name);
    const key = keys.get(name) ?? { name, columns: [] };
    key.columns.push(String(row.column_name));
    keys.set(name, key);
  }
  return [...keys.values()];
}

const leadsWith = (index: readonly string[], columns: readonly string[]): boolean =>
  columns.every((column, position) => index[position] === column);

/**
 * InnoDB drops the index it made implicitly for a foreign key as soon as another index can serve that key, and
 * then refuses to drop the other index (error 1553). So before steptrail drops its own indexes, every foreign key
 * that only they serve gets back the index InnoDB had made for it, named after its first column as InnoDB does.
 * DocuElevate declares index=True on its foreign-key columns, so on its current schema this finds nothing to do.
 */
export async function restoreForeignKeyIndexes(runner: QueryRunner): Promise<void> {
  for (const table of SCHEMA_PLAN) {
    const keys = await foreignKeys(runner, table.name);
    if (keys.length === 0) continue;
    const steptrailOwned = new Set(
      table.indexes.filter((index) => index.origin === 'steptrail').map((index) => index.name),
    );
    const staying = (await indexShapes(runner, table.name)).filter(
      (shape) => !steptrailOwned.has(shape.name),
    );
    for (const key of keys) {
      const [first] = key.columns;
      if (first === undefined || staying.some((shape) => leadsWith(shape.columns, key.columns))) continue;
      await runner.query(
        `CREATE INDEX ${quoteMysql(first)} ON ${quoteMysql(table.name)} (${key.columns.map(quoteMysql).join(', ')})`,
      );
      staying.push({ name: first, unique: false, columns: key.columns });
    }
  }
}
