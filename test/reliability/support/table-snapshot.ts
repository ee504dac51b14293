import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';

/**
 * Every row of every table of a database, read through the database's own driver (not through steptrail), each
 * row as exact text: what "nothing stored changed" is checked against. Rows are keyed by their primary key.
 */
export type TableSnapshot = Map<string, Map<string, string>>;

type Row = Record<string, unknown>;

const text = (value: unknown): unknown => {
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return `0x${value.toString('hex')}`;
  if (value instanceof Date) return value.toISOString();
  return value;
};

function keep(snapshot: TableSnapshot, table: string, keys: readonly string[], rows: readonly Row[]): void {
  const byKey = new Map<string, string>();
  for (const row of rows) {
    const exact = JSON.stringify(
      Object.fromEntries(Object.entries(row).map(([name, value]) => [name, text(value)])),
    );
    const key = keys.length === 0 ? exact : keys.map((name) => String(text(row[name]))).join('|');
    byKey.set(key, exact);
  }
  snapshot.set(table, byKey);
}

export async function snapshotTables(databaseUrl: string): Promise<TableSnapshot> {
  const snapshot: TableSnapshot = new Map();
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new Database(databaseUrl.slice('sqlite:'.length), { readonly: true, fileMustExist: true });
    try {
      db.defaultSafeIntegers(true);
      const tables = db
        .prepare(
          "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
        )
        .all() as Array<{ name: string }>;
      for (const { name } of tables) {
        const keys = (db.prepare(`pragma table_info("${name}")`).all() as Array<{ name: string; pk: bigint }>)
          .filter((column) => Number(column.pk) > 0)
          .map((column) => column.name);
        keep(snapshot, name, keys, db.prepare(`select * from "${name}"`).all() as Row[]);
      }
    } finally {
      db.close();
    }
    return snapshot;
  }
  if (/^postgres(ql)?:/.test(databaseUrl)) {
    // Every value as the text PostgreSQL sends: no parsing, so nothing is rounded on the way.
    const client = new pg.Client({
      connectionString: databaseUrl,
      types: { getTypeParser: () => (value: string) => value },
    });
    await client.connect();
    try {
      const tables = await client.query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1",
      );
      for (const { table_name: name } of tables.rows) {
        const keys = await client.query<{ column_name: string }>(
          `select k.column_name from information_schema.table_constraints c
             join information_schema.key_column_usage k
               on k.constraint_name = c.constraint_name and k.table_schema = c.table_schema and k.table_name = c.table_name
            where c.table_schema = current_schema() and c.table_name = $1 and c.constraint_type = 'PRIMARY KEY'
            order by k.ordinal_position`,
          [name],
        );
        const rows = await client.query<Row>(`select * from "${name}"`);
        keep(
          snapshot,
          name,
          keys.rows.map((row) => row.column_name),
          rows.rows,
        );
      }
    } finally {
      await client.end();
    }
    return snapshot;
  }
  const url = new URL(databaseUrl);
  const connection = await mysql.createConnection({
    host: url.hostname,
    port: url.port === '' ? 3306 : Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1),
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
  });
  try {
    const [tables] = await connection.query<mysql.RowDataPacket[]>(
      "select table_name as name from information_schema.tables where table_schema = database() and table_type = 'BASE TABLE' order by 1",
    );
    for (const { name } of tables as Array<{ name: string }>) {
      const [keys] = await connection.query<mysql.RowDataPacket[]>(
        `select column_name as name from information_schema.key_column_usage
          where table_schema = database() and table_name = ? and constraint_name = 'PRIMARY' order by ordinal_position`,
        [name],
      );
      const [rows] = await connection.query<mysql.RowDataPacket[]>(`select * from \`${name}\``);
      keep(
        snapshot,
        name,
        (keys as Array<{ name: string }>).map((key) => key.name),
        rows,
      );
    }
  } finally {
    await connection.end();
  }
  return snapshot;
}

/**
 * The rows of `before` that are not byte-identical in `after` (changed or gone), except rows `exempt` says may
 * change; new rows are not differences. Each difference names the table, the key and both texts.
 */
export function changedRows(
  before: TableSnapshot,
  after: TableSnapshot,
  exempt: (table: string, row: Record<string, unknown>) => boolean,
): string[] {
  const differences: string[] = [];
  for (const [table, rows] of before) {
    const later = after.get(table);
    for (const [key, exact] of rows) {
      if (exempt(table, JSON.parse(exact) as Record<string, unknown>)) continue;
      const now = later?.get(key);
      if (now === exact) continue;
      differences.push(`${table} [${key}]\n  before: ${exact}\n  after:  ${now ?? '(gone)'}`);
    }
  }
  return differences;
}

/** How many rows each table holds. */
export const rowCounts = (snapshot: TableSnapshot): Record<string, number> =>
  Object.fromEntries([...snapshot].map(([table, rows]) => [table, rows.size]));
