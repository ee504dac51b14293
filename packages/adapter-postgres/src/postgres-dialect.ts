import {
  defineDialect,
  parseInteger,
  updateFromJsonRows,
  type Dialect,
} from '@steptrail/persistence-typeorm';
import { postgresCapabilities } from './capabilities.js';
import { mapPostgresError } from './errors.js';
import { preparedStatements } from './prepared-statements.js';

/** The channel claims announce on and idle workers LISTEN to. */
export const WORK_CHANNEL = 'steptrail_work';

/**
 * An instant as UTC ISO text rather than a Date: pg would send a Date in the process's local zone, which a
 * `timestamp without time zone` column (found in adopted databases) stores as wall time, silently shifting it.
 * A timestamptz column reads the `Z`; a timestamp column ignores it and keeps the UTC wall time. Either way the
 * value reads back (see data-source.ts) as the same instant.
 */
export const postgresTime = (value: Date): string => value.toISOString();

const CAST_TYPES = {
  integer: 'INTEGER',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
  text: 'TEXT',
} as const;

/**
 * `origin` names the announcing store in the notification's payload, so that store's own listener can ignore it:
 * the store has woken its idle workers in-process at commit already, and a second wake-up would only make them run
 * a claim that finds nothing.
 */
export function postgresDialect(options: { origin?: string } = {}): Dialect {
  return defineDialect({
    name: 'postgres',
    capabilities: postgresCapabilities,
    driver: {
      // One round trip, where TypeORM's startTransaction takes two.
      begin: ['START TRANSACTION ISOLATION LEVEL READ COMMITTED'],
      placeholder: (position) => `$${position}`,
      time: postgresTime,
      execute: preparedStatements(),
      // Ids come back in the RETURNING row, as a number (int4) or text (int8).
      insertId: (_raw, rows) => {
        const row = rows[0];
        return row === undefined || !('id' in row) ? null : parseInteger('id', row.id);
      },
      mapError: mapPostgresError,
    },
    sql: {
      insertIgnore: (table, columns, conflict) => ({
        head: `INSERT INTO ${table} (${columns.join(', ')})`,
        // Naming the key keeps every other constraint (foreign keys, other unique keys) an error.
        tail:
          conflict.length === 0
            ? ' ON CONFLICT DO NOTHING'
            : ` ON CONFLICT (${conflict.join(', ')}) DO NOTHING`,
      }),
      upsertTail: (conflict, columns) =>
        ` ON CONFLICT (${conflict.join(', ')}) DO UPDATE SET ${columns.map((column) => `${column} = EXCLUDED.${column}`).join(', ')}`,
      materialize: (name, select) => [
        `DROP TABLE IF EXISTS pg_temp.${name}`,
        `CREATE TEMP TABLE ${name} ON COMMIT DROP AS ${select}`,
      ],
      // The rows travel as one JSON parameter, read with the table's own row type, so every value gets its
      // column's type (a legacy `timestamp` column drops the `Z` of UTC text, as a bound parameter does).
      updateFromRows: (update) =>
        updateFromJsonRows(
          update,
          () => `json_populate_recordset(CAST(NULL AS ${update.table}), CAST(:rowsJson AS json))`,
          (rows, names) => rows.map((row) => namedValues(names, row)),
        ),
      // Inside CASE or a SELECT list PostgreSQL cannot infer a parameter's type and would take it as text.
      // CAST(... AS ...), not `::`, which TypeORM's `:name` placeholder scanner would misread.
      castParam: (placeholder, kind) => `CAST(${placeholder} AS ${CAST_TYPES[kind]})`,
      rowLocks: {
        // NO KEY UPDATE, not UPDATE: inserting a step takes a KEY SHARE lock on its file row for the foreign
        // key, which FOR UPDATE would block, so two step writers of one file would deadlock.
        fileRow: ' FOR NO KEY UPDATE',
        fileRowSkipLocked: ' FOR NO KEY UPDATE SKIP LOCKED',
        stepRowSkipLocked: ' FOR UPDATE SKIP LOCKED',
      },
      // NOTIFY is transactional: listeners hear it at commit, never for work that rolled back.
      announce: `SELECT pg_notify('${WORK_CHANNEL}', '${(options.origin ?? '').replace(/[^A-Za-z0-9-]/g, '')}')`,
    },
  });
}

/** A row's values keyed by column name; built key by key, so every row of a statement shares one object shape. */
function namedValues(names: readonly string[], row: readonly unknown[]): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  for (let index = 0; index < names.length; index += 1) named[names[index] as string] = row[index];
  return named;
}
