import type { RowsUpdate } from './dialect.js';

/**
 * The dialect's `sql.updateFromRows` for a database that reads the rows out of one JSON parameter, `:rowsJson`: `source` is the
 * derived table it reads them with (its columns named after the key and set columns), `encode` the JSON value of
 * the rows. The first key's range bounds the rows of `table` the statement reads.
 */
export function updateFromJsonRows(
  { table, keys, columns, rows, extra }: RowsUpdate,
  source: (names: readonly string[]) => string,
  encode: (rows: RowsUpdate['rows'], names: readonly string[]) => unknown,
): { sql: string; params: Record<string, unknown> } {
  const names = [...keys, ...columns].map(([name]) => name);
  const firstKeys = rows.map((row) => Number(row[0]));
  return {
    sql: `UPDATE ${table} SET ${columns.map(([name]) => `${name} = v.${name}`).join(', ')}, ${extra}
      FROM ${source(names)} AS v
      WHERE ${keys.map(([name]) => `${table}.${name} = v.${name}`).join(' AND ')}
        AND ${table}.${keys[0][0]} BETWEEN :rowsLow AND :rowsHigh`,
    params: {
      rowsJson: JSON.stringify(encode(rows, names)),
      rowsLow: Math.min(...firstKeys),
      rowsHigh: Math.max(...firstKeys),
    },
  };
}
