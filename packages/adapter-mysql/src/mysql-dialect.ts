import { defineDialect, runWithTypeorm, type Dialect, type RowsUpdate } from '@steptrail/persistence-typeorm';
import type { DataSource } from 'typeorm';
import { mysqlCapabilities } from './capabilities.js';
import { mapMysqlError } from './errors.js';

/**
 * The id of the inserted row from mysql2's ResultSetHeader (TypeORM's `raw`); null when nothing was inserted
 * (an ignored duplicate reports 0).
 */
function readInsertId(raw: unknown): number | null {
  if (typeof raw !== 'object' || raw === null || !('insertId' in raw)) return null;
  const id = typeof raw.insertId === 'string' ? Number(raw.insertId) : raw.insertId;
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** The server's auto_increment_increment, as a new connection gets it. */
export async function readAutoIncrementStep(dataSource: DataSource): Promise<number> {
  const rows: unknown = await dataSource.query('SELECT @@auto_increment_increment AS step');
  const step: unknown = Array.isArray(rows) ? (rows[0] as { step?: unknown } | undefined)?.step : undefined;
  return Number(step);
}

/**
 * A multi-row log insert learns only its first id from MySQL and derives the others (capability `returningIds: false`), which
 * holds for an insert of known row count when ids step by 1. A server stepping otherwise (Galera's
 * wsrep_auto_increment_control sets the step to the cluster size) is refused rather than given wrong ids.
 */
export function requireUnitAutoIncrement(step: number): void {
  if (step === 1) return;
  throw new Error(
    `This MySQL/MariaDB server has auto_increment_increment = ${String(step)}; steptrail needs 1, because a ` +
      'multi-row insert of log rows derives their ids from the first one. Set auto_increment_increment = 1 ' +
      '(on Galera: wsrep_auto_increment_control = OFF, with writes to one node), or use PostgreSQL.',
  );
}

/** The Dialect for MySQL 8 and MariaDB 10.6+ (both have SKIP LOCKED). */
export function mysqlDialect(): Dialect {
  return defineDialect({
    name: 'mysql',
    capabilities: mysqlCapabilities,
    driver: {
      // MySQL sets the level of the next transaction before it starts; START TRANSACTION cannot name it.
      begin: ['SET TRANSACTION ISOLATION LEVEL READ COMMITTED', 'START TRANSACTION'],
      placeholder: () => '?',
      // The connection's timezone 'Z' makes mysql2 write and read DATETIME values as UTC.
      time: (value) => value,
      execute: runWithTypeorm,
      insertId: (raw) => readInsertId(raw),
      mapError: mapMysqlError,
    },
    sql: {
      // Not `ON DUPLICATE KEY UPDATE id = id`: mysql2 connects with CLIENT_FOUND_ROWS (the core wants UPDATE to
      // report matched rows), and with it a duplicate that changes nothing still counts 1 affected row.
      // IGNORE also turns foreign-key and truncation errors into warnings; neither can happen here: every caller
      // has locked (or just created) the file row, and step names are validated to at most 128 characters.
      insertIgnore: (table, columns) => ({
        head: `INSERT IGNORE INTO ${table} (${columns.join(', ')})`,
        tail: '',
      }),
      // MySQL fires ON DUPLICATE KEY on any unique key; the conflict target is the table's only one besides the
      // auto-increment id, which inserts never supply. VALUES() is deprecated in MySQL 8.0.20 but still supported,
      // and MariaDB has no row-alias alternative.
      upsertTail: (_conflict, columns) =>
        ` ON DUPLICATE KEY UPDATE ${columns.map((column) => `${column} = VALUES(${column})`).join(', ')}`,
      // A temporary table outlives a rollback here, so it is dropped first; neither statement commits implicitly.
      materialize: (name, select) => [
        `DROP TEMPORARY TABLE IF EXISTS ${name}`,
        `CREATE TEMPORARY TABLE ${name} AS ${select}`,
      ],
      updateFromRows: updateFromSelectedRows,
      // Values are converted to the column's type on assignment.
      castParam: (placeholder) => placeholder,
      rowLocks: {
        fileRow: ' FOR UPDATE',
        fileRowSkipLocked: ' FOR UPDATE SKIP LOCKED',
        stepRowSkipLocked: ' FOR UPDATE SKIP LOCKED',
      },
      eventKey: {
        timeWidth: 26,
        idWidth: 20,
        encode: (time, id) => `CONCAT(DATE_FORMAT(${time}, '%Y-%m-%d %H:%i:%s.%f'), LPAD(${id}, 20, '0'))`,
        decodeTime: (text) => `CAST(${text} AS DATETIME(6))`,
        decodeId: (text) => `CAST(${text} AS UNSIGNED)`,
        concat: (parts) => `CONCAT(${parts.join(', ')})`,
      },
    },
  });
}

/**
 * No UPDATE ... FROM: join a derived table whose first SELECT names the columns. The rows are found by a list of
 * their first key, not by its range: a range scan locks the row after the range before it sees the range has
 * ended, and that row may be held by a transaction waiting for this one to commit (migration batches). One list,
 * even past in_predicate_conversion_threshold: ORed lists make MariaDB test each row against each.
 */
function updateFromSelectedRows({ table, keys, columns, rows, extra }: RowsUpdate): {
  sql: string;
  params: Record<string, unknown>;
} {
  const names = [...keys, ...columns].map(([name]) => name);
  const params: Record<string, unknown> = {};
  const selects = rows.map((row, index) => {
    const values = names.map((name, column) => {
      params[`rows${index}_${column}`] = row[column];
      return index === 0 ? `:rows${index}_${column} AS ${name}` : `:rows${index}_${column}`;
    });
    return `SELECT ${values.join(', ')}`;
  });
  const assignments = columns.map(([name]) => `${table}.${name} = v.${name}`);
  const on = keys.map(([name]) => `${table}.${name} = v.${name}`).join(' AND ');
  return {
    sql: `UPDATE ${table} JOIN (${selects.join(' UNION ALL ')}) AS v ON ${on}
          SET ${assignments.join(', ')}, ${table}.${extra}
          WHERE ${table}.${keys[0][0]} IN (${rows.map((_, index) => `:rows${index}_0`).join(', ')})`,
    params,
  };
}
