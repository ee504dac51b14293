import {
  defineDialect,
  runWithTypeorm,
  updateFromJsonRows,
  utcText,
  type Dialect,
} from '@steptrail/persistence-typeorm';
import { sqliteCapabilities } from './capabilities.js';
import { mapSqliteError } from './errors.js';

export function sqliteDialect(): Dialect {
  return defineDialect({
    name: 'sqlite',
    capabilities: sqliteCapabilities,
    driver: {
      // IMMEDIATE takes the write lock up front, so a transaction never fails half-way on a lock upgrade.
      begin: ['BEGIN IMMEDIATE'],
      placeholder: () => '?',
      // UTC text, the format DocuElevate's SQLite rows use, so text order is time order.
      time: utcText,
      execute: runWithTypeorm,
      insertId: (raw) => (typeof raw === 'number' ? raw : typeof raw === 'bigint' ? Number(raw) : null),
      mapError: mapSqliteError,
    },
    sql: {
      insertIgnore: (table, columns) => ({
        head: `INSERT INTO ${table} (${columns.join(', ')})`,
        tail: ' ON CONFLICT DO NOTHING',
      }),
      upsertTail: (conflict, columns) =>
        ` ON CONFLICT (${conflict.join(', ')}) DO UPDATE SET ${columns.map((column) => `${column} = excluded.${column}`).join(', ')}`,
      materialize: (name, select) => [
        `DROP TABLE IF EXISTS temp.${name}`,
        `CREATE TEMP TABLE ${name} AS ${select}`,
      ],
      // The rows travel as one JSON array of arrays (one parameter, whatever their number); SQLite reads JSON true
      // and false as 1 and 0, as it stores booleans.
      updateFromRows: (update) =>
        updateFromJsonRows(
          update,
          (names) =>
            `(SELECT ${names.map((name, index) => `value ->> ${index} AS ${name}`).join(', ')} FROM json_each(:rowsJson))`,
          (rows) => rows,
        ),
      // Columns take whatever value they are given.
      castParam: (placeholder) => placeholder,
      // Timestamps are text whose order is time order (utcText, DocuElevate's own rows), padded to one width.
      eventKey: {
        timeWidth: 40,
        idWidth: 20,
        encode: (time, id) => `printf('%-40s%020d', ${time}, ${id})`,
        decodeTime: (text) => `RTRIM(${text})`,
        decodeId: (text) => `CAST(${text} AS INTEGER)`,
        concat: (parts) => parts.join(' || '),
      },
      jsonRows: (columns) => `json_group_array(json_array(${columns.join(', ')}))`,
    },
  });
}
