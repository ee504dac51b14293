import type { QueryRunner } from 'typeorm';
import { SCHEMA_PLAN, type PlannedColumn, type PlannedIndex, type PlannedTable } from './schema-plan.js';

/** How one database spells the plan, and how it inspects what exists. */
export interface SchemaDialect {
  tableExists(runner: QueryRunner, table: string): Promise<boolean>;
  columnNames(runner: QueryRunner, table: string): Promise<Set<string>>;
  indexNames(runner: QueryRunner, table: string): Promise<Set<string>>;
  /** The full column definition used in CREATE TABLE. */
  columnDefinition(column: PlannedColumn): string;
  /** Table-level clauses appended inside CREATE TABLE (foreign keys). */
  tableConstraints(table: PlannedTable): string[];
  /** ALTER TABLE … ADD COLUMN for an existing table. */
  addColumn(table: string, column: PlannedColumn): string;
  createIndex(table: string, index: PlannedIndex): string;
  dropIndex(table: string, index: string): string;
  dropColumn(table: string, column: string): string;
  /** Suffix of CREATE TABLE (engine, charset). */
  readonly tableOptions: string;
  quote(identifier: string): string;
}

/** Names the tables `applySchemaPlan` created (and so `revertSchemaPlan` drops), never a DocuElevate table. */
export const SCHEMA_META_TABLE = 'steptrail_schema_meta';

/**
 * Creates missing tables, then adds missing columns and indexes; never rewrites existing rows. `tables` is the whole
 * plan, or the tables a later migration adds: running it again does nothing.
 */
export async function applySchemaPlan(
  runner: QueryRunner,
  dialect: SchemaDialect,
  tables: readonly PlannedTable[] = SCHEMA_PLAN,
): Promise<void> {
  await runner.query(
    `CREATE TABLE IF NOT EXISTS ${SCHEMA_META_TABLE} (table_name VARCHAR(64) PRIMARY KEY, created_at VARCHAR(32))${dialect.tableOptions}`,
  );
  for (const table of tables) {
    if (await dialect.tableExists(runner, table.name)) {
      const existing = await dialect.columnNames(runner, table.name);
      for (const column of table.columns) {
        if (!existing.has(column.name)) await runner.query(dialect.addColumn(table.name, column));
      }
    } else {
      // A table a later migration dropped (its `down`) and created again is remembered once.
      await runner.query(`DELETE FROM ${SCHEMA_META_TABLE} WHERE table_name = '${table.name}'`);
      const definitions = [
        ...table.columns.map((column) => dialect.columnDefinition(column)),
        ...dialect.tableConstraints(table),
      ];
      await runner.query(
        `CREATE TABLE ${dialect.quote(table.name)} (${definitions.join(', ')})${dialect.tableOptions}`,
      );
      // Remembered so that `schema down` drops only tables steptrail created, never DocuElevate's.
      await runner.query(
        `INSERT INTO ${SCHEMA_META_TABLE} (table_name, created_at) VALUES ('${table.name}', '${new Date().toISOString()}')`,
      );
    }
    const indexes = await dialect.indexNames(runner, table.name);
    for (const index of table.indexes) {
      if (!indexes.has(index.name)) await runner.query(dialect.createIndex(table.name, index));
    }
  }
}

/**
 * Removes what steptrail added: its indexes and columns, and the tables it created itself. With `tables` (a later
 * migration's), only those, and the record of what was created stays for the earlier migrations' revert.
 */
export async function revertSchemaPlan(
  runner: QueryRunner,
  dialect: SchemaDialect,
  tables?: readonly PlannedTable[],
): Promise<void> {
  const created = new Set<string>(
    (
      (await runner.query(`SELECT table_name FROM ${SCHEMA_META_TABLE}`)) as Array<{ table_name: string }>
    ).map((row) => row.table_name),
  );
  for (const table of [...(tables ?? SCHEMA_PLAN)].reverse()) {
    const exists = await dialect.tableExists(runner, table.name);
    if (created.has(table.name)) {
      if (exists) await runner.query(`DROP TABLE ${dialect.quote(table.name)}`);
      await runner.query(`DELETE FROM ${SCHEMA_META_TABLE} WHERE table_name = '${table.name}'`);
      continue;
    }
    if (!exists) continue;
    const indexes = await dialect.indexNames(runner, table.name);
    for (const index of table.indexes) {
      if (index.origin === 'steptrail' && indexes.has(index.name)) {
        await runner.query(dialect.dropIndex(table.name, index.name));
      }
    }
    const columns = await dialect.columnNames(runner, table.name);
    for (const column of table.columns) {
      if (column.origin === 'steptrail' && columns.has(column.name)) {
        await runner.query(dialect.dropColumn(table.name, column.name));
      }
    }
  }
  if (tables === undefined) await runner.query(`DROP TABLE ${SCHEMA_META_TABLE}`);
}

/**
 * Builds the plan's partial indexes again: as planned, or (`partial` false, to revert) over every row, as databases
 * migrated before they were partial have them. Each is dropped and created, so a run cut short is finished by
 * running it again. An index over a column the table does not have (yet, or any more: a later migration adds it) is
 * left to the migration that adds the column.
 */
export async function rebuildPartialIndexes(
  runner: QueryRunner,
  dialect: SchemaDialect,
  partial: boolean,
): Promise<void> {
  for (const table of SCHEMA_PLAN) {
    if (!(await dialect.tableExists(runner, table.name))) continue;
    const present = await dialect.columnNames(runner, table.name);
    for (const index of table.indexes) {
      if (index.where === undefined || !index.columns.every((column) => present.has(column))) continue;
      const { name, columns, unique, origin } = index;
      await runner.query(dialect.dropIndex(table.name, name));
      await runner.query(
        dialect.createIndex(table.name, partial ? index : { name, columns, unique, origin }),
      );
    }
  }
}

/** What a later migration added to the plan, for its `down`: indexes of existing tables and whole tables. */
export interface PlanAdditions {
  indexes?: ReadonlyArray<readonly [table: string, index: string]>;
  columns?: ReadonlyArray<readonly [table: string, column: string]>;
  tables?: readonly string[];
}

/**
 * Undoes one later migration's additions: drops its indexes and tables (and forgets that steptrail created them),
 * whichever exist, so a revert cut short is finished by running it again. Its `up` is `applySchemaPlan`, which
 * adds only what is missing.
 */
export async function revertPlanAdditions(
  runner: QueryRunner,
  dialect: SchemaDialect,
  additions: PlanAdditions,
): Promise<void> {
  for (const [table, index] of additions.indexes ?? []) {
    if (!(await dialect.tableExists(runner, table))) continue;
    if ((await dialect.indexNames(runner, table)).has(index))
      await runner.query(dialect.dropIndex(table, index));
  }
  for (const [table, column] of additions.columns ?? []) {
    if (!(await dialect.tableExists(runner, table))) continue;
    if ((await dialect.columnNames(runner, table)).has(column))
      await runner.query(dialect.dropColumn(table, column));
  }
  for (const table of [...(additions.tables ?? [])].reverse()) {
    if (await dialect.tableExists(runner, table)) await runner.query(`DROP TABLE ${dialect.quote(table)}`);
    await runner.query(`DELETE FROM ${SCHEMA_META_TABLE} WHERE table_name = '${table}'`);
  }
}
