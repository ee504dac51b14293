// Where each database of the benchmark lives: a fresh SQLite file in a temp folder, or a fresh database on
// the PostgreSQL / MariaDB server whose URL the runner (or the caller) gave; null with a reason when absent.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onInterrupt } from './interrupts.mjs';

export const DISPLAY = { sqlite: 'SQLite', postgres: 'PostgreSQL', mariadb: 'MariaDB' };
const DATABASE_NAME = 'steptrail_bench_api';

/** Drops the benchmark's database from the server, through a connection to the server URL's own database. */
async function dropDatabase(runtime, database, serverUrl) {
  const target = runtime.parseDatabaseUrl(serverUrl, process.cwd());
  if (!target.ok) throw new Error(target.error.message);
  const dataSource = await (await runtime.migrationDataSource(target.value)).initialize();
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
export async function prepareDatabase(database, options, { testServers, runtime }) {
  const scratch = await mkdtemp(join(tmpdir(), `steptrail-bench-api-${database}-`));
  const remove = () => rm(scratch, { recursive: true, force: true });
  const forget = onInterrupt(remove);
  const cleanup = () => {
    forget();
    return remove();
  };
  if (database === 'sqlite') return { url: `sqlite:${join(scratch, 'bench.db')}`, scratch, cleanup };
  const server = options.servers[database];
  if (server.url === null) {
    await cleanup();
    const variable = database === 'postgres' ? 'BENCH_POSTGRES_URL' : 'BENCH_MYSQL_URL';
    return {
      skip: server.skip ?? `no ${variable} given; bench/run.mjs starts a throwaway server and sets it`,
    };
  }
  try {
    const url = await testServers.createDatabase(server.url, DATABASE_NAME);
    const dropAndClean = async () => {
      await dropDatabase(runtime, database, server.url).catch((error) =>
        console.log(`could not drop ${DATABASE_NAME}: ${error instanceof Error ? error.message : error}`),
      );
      await cleanup();
    };
    return { url, scratch, cleanup: dropAndClean };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
