// Where each database of the benchmark lives: a fresh SQLite file in a temp folder, or a fresh database on
// the PostgreSQL / MariaDB server whose URL the runner (or the caller) gave; null with a reason when absent.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrationDataSource, parseDatabaseUrl, type DatabaseTarget } from '@steptrail/runtime';
import { createConnection } from 'mysql2/promise';
import { createDatabase } from '@steptrail/test-servers';
import type { ServerSetting } from '../config.js';
import { onInterrupt } from './interrupts.js';

export const DATABASES = ['sqlite', 'postgres', 'mariadb'] as const;
export type BenchDatabase = (typeof DATABASES)[number];
export const DISPLAY: Record<BenchDatabase, string> = {
  sqlite: 'SQLite',
  postgres: 'PostgreSQL',
  mariadb: 'MariaDB',
};
export const isBenchDatabase = (name: string): name is BenchDatabase =>
  (DATABASES as readonly string[]).includes(name);

const DATABASE_NAME = 'steptrail_bench_api';

export interface Servers {
  postgres: ServerSetting;
  mariadb: ServerSetting;
}

export type PreparedDatabase =
  { skip?: undefined; url: string; scratch: string; cleanup: () => Promise<void> } | { skip: string };

/** A DATABASE_URL parsed, or the parser's message thrown. */
export function parseTarget(url: string): DatabaseTarget {
  const parsed = parseDatabaseUrl(url, process.cwd());
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

/** Drops the benchmark's database from the server, through a connection to the server URL's own database. */
async function dropDatabase(database: BenchDatabase, serverUrl: string): Promise<void> {
  const dataSource = await (await migrationDataSource(parseTarget(serverUrl))).initialize();
  try {
    const force = database === 'postgres' ? ' WITH (FORCE)' : '';
    await dataSource.query(`DROP DATABASE IF EXISTS ${DATABASE_NAME}${force}`);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Creates the benchmark's empty database. Returns `{ url, scratch, cleanup }`, or `{ skip }` with the reason.
 * On a server the database steptrail_bench_api is created afresh and dropped again by `cleanup`.
 */
export async function prepareDatabase(database: BenchDatabase, servers: Servers): Promise<PreparedDatabase> {
  const scratch = await mkdtemp(join(tmpdir(), `steptrail-bench-api-${database}-`));
  const remove = () => rm(scratch, { recursive: true, force: true });
  const forget = onInterrupt(remove);
  const cleanup = () => {
    forget();
    return remove();
  };
  if (database === 'sqlite') return { url: `sqlite:${join(scratch, 'bench.db')}`, scratch, cleanup };
  const server = servers[database];
  if (server.url === null) {
    await cleanup();
    const variable = database === 'postgres' ? 'BENCH_POSTGRES_URL' : 'BENCH_MYSQL_URL';
    return {
      skip: server.skip ?? `no ${variable} given; bench/run.ts starts a throwaway server and sets it`,
    };
  }
  const serverUrl = server.url;
  try {
    const url = await createDatabase(serverUrl, DATABASE_NAME);
    const dropAndClean = async () => {
      await dropDatabase(database, serverUrl).catch((error: unknown) =>
        console.log(
          `could not drop ${DATABASE_NAME}: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
      await cleanup();
    };
    return { url, scratch, cleanup: dropAndClean };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** The test server's 64 MiB InnoDB buffer pool suits tests, not millions of rows; resized online. */
export async function growBufferPool(url: string): Promise<void> {
  const parsed = new URL(url);
  const connection = await createConnection({
    host: parsed.hostname,
    port: Number(parsed.port),
    user: decodeURIComponent(parsed.username),
  });
  try {
    await connection.query('SET GLOBAL innodb_buffer_pool_size = 1073741824');
  } finally {
    await connection.end();
  }
}
