// The few SQL fragments the bulk seeding writes differently per database: a source of consecutive numbers,
// a timestamp `ms` milliseconds after the seeding's base instant, booleans, text building, and the
// housekeeping after a bulk load. Everything else in seed-database.ts is plain SQL all three accept.

const iso = (ms: number) => new Date(ms).toISOString();

/** How one database writes the seeding's SQL fragments. */
export interface SeedDialect {
  name: string;
  /** Files per chunk; each chunk commits. */
  chunkFiles: number;
  /** Whether the step and log inserts of a chunk run on two connections at once. */
  parallel: boolean;
  numbers(from: number, to: number): { with: string; from: string };
  time(baseMs: number, ms: string | number): string;
  bool(expr: string): string;
  concat(...parts: string[]): string;
  padded(expr: string, width: number): string;
  session: string[];
  afterChunk: string[];
  afterLoad(): string[];
  sizeSql: string;
}

/** SQLite: a recursive CTE counts; timestamps are the UTC text with milliseconds the adapter writes. */
const sqlite: SeedDialect = {
  name: 'sqlite',
  chunkFiles: 50_000,
  parallel: false,
  numbers: (from, to) => ({
    with: `WITH RECURSIVE nums(n) AS (SELECT ${from} UNION ALL SELECT n + 1 FROM nums WHERE n < ${to}) `,
    from: 'nums',
  }),
  time: (baseMs, ms) => `strftime('%Y-%m-%d %H:%M:%f', (${baseMs} + (${ms})) / 1000.0, 'unixepoch')`,
  bool: (expr) => `(${expr})`,
  concat: (...parts) => parts.join(' || '),
  padded: (expr, width) => `printf('%0${width}d', ${expr})`,
  session: ['PRAGMA synchronous = OFF', 'PRAGMA cache_size = -262144', 'PRAGMA temp_store = MEMORY'],
  afterChunk: ['PRAGMA wal_checkpoint(TRUNCATE)'],
  afterLoad: () => ['ANALYZE'],
  sizeSql: 'SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()',
};

/** PostgreSQL: generate_series over bigint, so id arithmetic never overflows int4. */
const postgres: SeedDialect = {
  name: 'postgres',
  chunkFiles: 100_000,
  parallel: true,
  numbers: (from, to) => ({ with: '', from: `generate_series(${from}::bigint, ${to}::bigint) AS nums(n)` }),
  time: (baseMs, ms) => `(TIMESTAMPTZ '${iso(baseMs)}' + (${ms}) * INTERVAL '1 millisecond')`,
  bool: (expr) => `(${expr} = 1)`,
  concat: (...parts) => parts.join(' || '),
  padded: (expr, width) => `lpad((${expr})::text, ${width}, '0')`,
  session: ['SET synchronous_commit = off'],
  afterChunk: [],
  afterLoad: () => [
    ...['files', 'file_processing_steps', 'processing_logs'].map(
      (table) => `SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT MAX(id) FROM ${table}))`,
    ),
    // VACUUM sets the visibility map, so counts and list pages can be index-only scans as in a settled database.
    'VACUUM ANALYZE files',
    'VACUUM ANALYZE file_processing_steps',
    'VACUUM ANALYZE processing_logs',
  ],
  sizeSql: 'SELECT pg_database_size(current_database()) AS bytes',
};

/** MariaDB: the built-in SEQUENCE engine's seq_FROM_to_TO tables are the numbers table. */
const mariadb: SeedDialect = {
  name: 'mariadb',
  chunkFiles: 50_000,
  parallel: true,
  numbers: (from, to) => ({ with: '', from: `(SELECT seq AS n FROM seq_${from}_to_${to}) AS nums` }),
  time: (baseMs, ms) =>
    `TIMESTAMPADD(MICROSECOND, (${ms}) * 1000, TIMESTAMP '${iso(baseMs).replace('T', ' ').slice(0, 23)}')`,
  bool: (expr) => `(${expr})`,
  concat: (...parts) => `CONCAT(${parts.join(', ')})`,
  padded: (expr, width) => `LPAD(${expr}, ${width}, '0')`,
  session: [],
  afterChunk: [],
  afterLoad: () => ['ANALYZE TABLE files, file_processing_steps, processing_logs'],
  sizeSql:
    'SELECT SUM(data_length + index_length) AS bytes FROM information_schema.TABLES WHERE table_schema = DATABASE()',
};

const dialects: Record<string, SeedDialect> = { sqlite, postgres, mysql: mariadb };

/** The seeding dialect of a DatabaseTarget kind (sqlite, postgres, mysql). */
export function seedDialect(kind: string): SeedDialect {
  const dialect = dialects[kind];
  if (dialect === undefined) throw new Error(`no seeding dialect for ${kind}`);
  return dialect;
}

/** A SQL string literal of text the seeding itself chose (never outside input). */
export function literal(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (/\\/.test(value)) throw new Error(`seed text must not contain a backslash: ${value}`);
  return `'${value.replace(/'/g, "''")}'`;
}
