import { SCHEMA_PLAN, type ColumnKind, type PlannedTable } from '@steptrail/persistence-typeorm';
import type { QueryRunner } from 'typeorm';
import {
  MYSQL_COLUMN_TYPES,
  mysqlSchemaDialect,
  queryRows,
  quoteMysql,
  textValue,
} from './mysql-schema-dialect.js';
import { columnDefinitions, withType } from './show-create-columns.js';

/** Every column this migration widened, with its original definition; only exists while one is widened. */
const RECORD_TABLE = 'steptrail_widened_columns';

/** A column as information_schema.COLUMNS describes it; kept on record next to its SHOW CREATE definition. */
interface ExistingColumn {
  name: string;
  dataType: string;
  columnType: string;
  nullable: string;
  defaultValue: string | null;
  extra: string;
  fractionalDigits: number;
  maxLength: number;
  generated: boolean;
}

interface Widening {
  column: ExistingColumn;
  original: string;
  widened: string;
}

const declaredLength = (type: string): number => Number(/\((\d+)\)/.exec(type)?.[1] ?? 0);
const nullableText = (value: unknown): string | null => (value === null ? null : textValue(value));

/**
 * The type an adopted column of planned `kind` is widened to, or null when it already holds what steptrail writes.
 * Among temporal types only DATETIME is widened: DocuElevate makes no TIMESTAMP column, and retyping one would
 * convert its values through the session time zone.
 */
function widerType(kind: ColumnKind, column: ExistingColumn): string | null {
  if (column.generated) return null;
  switch (kind) {
    case 'timestamp':
      // Log order is (timestamp, id); below milliseconds it is no longer the order the writers saw.
      return column.dataType === 'datetime' && column.fractionalDigits < 3
        ? MYSQL_COLUMN_TYPES.timestamp
        : null;
    case 'varchar':
    case 'short': {
      const type = MYSQL_COLUMN_TYPES[kind];
      return column.dataType === 'varchar' && column.maxLength < declaredLength(type) ? type : null;
    }
    case 'text':
      return column.dataType === 'varchar' || column.dataType === 'tinytext' ? MYSQL_COLUMN_TYPES.text : null;
    default:
      return null;
  }
}

async function existingColumns(runner: QueryRunner, table: string): Promise<Map<string, ExistingColumn>> {
  const rows = await queryRows(
    runner,
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS data_type, COLUMN_TYPE AS column_type, IS_NULLABLE AS nullable,
       COLUMN_DEFAULT AS default_value, EXTRA AS extra, DATETIME_PRECISION AS fsp,
       CHARACTER_MAXIMUM_LENGTH AS max_length, GENERATION_EXPRESSION AS generation
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?`,
    [table],
  );
  const columns = rows.map((row): ExistingColumn => ({
    name: textValue(row.name),
    dataType: textValue(row.data_type).toLowerCase(),
    columnType: textValue(row.column_type),
    nullable: textValue(row.nullable),
    defaultValue: nullableText(row.default_value),
    extra: textValue(row.extra),
    fractionalDigits: Number(row.fsp ?? 0),
    maxLength: Number(row.max_length ?? 0),
    // MariaDB reports NULL for an ordinary column, MySQL an empty string.
    generated: (nullableText(row.generation) ?? '') !== '',
  }));
  return new Map(columns.map((column) => [column.name, column]));
}

/** The planned columns of `table` that exist narrower than steptrail's own definition, with both definitions. */
async function narrowColumns(runner: QueryRunner, table: PlannedTable): Promise<Widening[]> {
  if (!(await mysqlSchemaDialect.tableExists(runner, table.name))) return [];
  const existing = await existingColumns(runner, table.name);
  const wanted = table.columns.flatMap((planned) => {
    const column = existing.get(planned.name);
    const type = column === undefined ? null : widerType(planned.kind, column);
    return column === undefined || type === null ? [] : [{ column, type, kind: planned.kind }];
  });
  if (wanted.length === 0) return [];
  const definitions = await columnDefinitions(runner, table.name);
  return wanted.map(({ column, type, kind }) => {
    const original = definitions.get(column.name);
    if (original === undefined)
      throw new Error(`SHOW CREATE TABLE ${table.name} has no column ${column.name}`);
    const digits = kind === 'timestamp' ? declaredLength(type) : null;
    return { column, original, widened: withType(original, column.name, type, digits) };
  });
}

async function ensureRecordTable(runner: QueryRunner): Promise<void> {
  await runner.query(
    `CREATE TABLE IF NOT EXISTS ${RECORD_TABLE} (table_name VARCHAR(64) NOT NULL, column_name VARCHAR(64) NOT NULL,
       column_type TEXT NOT NULL, is_nullable VARCHAR(3) NOT NULL, column_default TEXT NULL, extra TEXT NOT NULL,
       original_definition TEXT NOT NULL, widened_definition TEXT NOT NULL, widened_at VARCHAR(32) NOT NULL,
       PRIMARY KEY (table_name, column_name))${mysqlSchemaDialect.tableOptions}`,
  );
}

async function recordedColumns(runner: QueryRunner, table: string): Promise<Set<string>> {
  const rows = await queryRows(runner, `SELECT column_name FROM ${RECORD_TABLE} WHERE table_name = ?`, [
    table,
  ]);
  return new Set(rows.map((row) => textValue(row.column_name)));
}

async function record(runner: QueryRunner, table: string, widening: Widening): Promise<void> {
  const { column } = widening;
  await runner.query(
    `INSERT INTO ${RECORD_TABLE} (table_name, column_name, column_type, is_nullable, column_default, extra,
       original_definition, widened_definition, widened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      table,
      column.name,
      column.columnType,
      column.nullable,
      column.defaultValue,
      column.extra,
      widening.original,
      widening.widened,
      new Date().toISOString(),
    ],
  );
}

/**
 * Widens every planned column that an adopted database declares narrower than steptrail writes, keeping
 * nullability, default, ON UPDATE and comment. Stored values do not change: a DATETIME value is exact in
 * DATETIME(6), a VARCHAR value in TEXT. One ALTER TABLE per table, so a large table is rebuilt once and either all
 * its columns are widened or none. Each original definition is recorded before its ALTER, so a run that stopped
 * in between is finished by running it again and `down` still finds what to restore.
 */
export async function widenLegacyColumns(runner: QueryRunner): Promise<void> {
  for (const table of SCHEMA_PLAN) {
    const widenings = await narrowColumns(runner, table);
    if (widenings.length === 0) continue;
    await ensureRecordTable(runner);
    // An earlier run that stopped before its ALTER recorded the same original definitions; they stay.
    const recorded = await recordedColumns(runner, table.name);
    for (const widening of widenings) {
      if (!recorded.has(widening.column.name)) await record(runner, table.name, widening);
    }
    const changes = widenings.map((widening) => `MODIFY COLUMN ${widening.widened}`);
    await runner.query(`ALTER TABLE ${quoteMysql(table.name)} ${changes.join(', ')}`);
  }
}

/**
 * Gives every widened column its recorded original definition back, then drops the record. This is the operator's
 * explicit choice to narrow again: DATETIME values written since lose their fraction (MySQL rounds to the second,
 * MariaDB truncates), which can reorder logs within a second; a message longer than its old VARCHAR makes the
 * ALTER fail in strict mode (and is cut off without it).
 */
export async function restoreWidenedColumns(runner: QueryRunner): Promise<void> {
  if (!(await mysqlSchemaDialect.tableExists(runner, RECORD_TABLE))) return;
  const rows = await queryRows(
    runner,
    `SELECT table_name, original_definition FROM ${RECORD_TABLE} ORDER BY table_name, column_name`,
    [],
  );
  const byTable = new Map<string, string[]>();
  for (const row of rows) {
    const table = textValue(row.table_name);
    byTable.set(table, [...(byTable.get(table) ?? []), textValue(row.original_definition)]);
  }
  for (const [table, originals] of byTable) {
    if (await mysqlSchemaDialect.tableExists(runner, table)) {
      const changes = originals.map((original) => `MODIFY COLUMN ${original}`);
      await runner.query(`ALTER TABLE ${quoteMysql(table)} ${changes.join(', ')}`);
    }
    // Forgotten only once restored, so a `down` that stopped half-way is finished by running it again.
    await runner.query(`DELETE FROM ${RECORD_TABLE} WHERE table_name = ?`, [table]);
  }
  await runner.query(`DROP TABLE ${RECORD_TABLE}`);
}
