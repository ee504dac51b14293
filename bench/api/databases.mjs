// Where each database of the benchmark lives: a fresh SQLite file in a temp folder, or a fresh database on
// the PostgreSQL / MariaDB server whose URL the runner (or the caller) gave; null with a reason when absent.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DISPLAY = { sqlite: 'SQLite', postgres: 'PostgreSQL', mariadb: 'MariaDB' };
const DATABASE_NAME = 'steptrail_bench_api';

/**
 * Creates the benchmark's empty database. Returns `{ url, scratch, cleanup }`, or `{ skip }` with the reason.
 * On a server the database steptrail_bench_api is dropped and created again, so a run starts empty.
 */
export async function prepareDatabase(database, options, testServers) {
  const scratch = await mkdtemp(join(tmpdir(), `steptrail-bench-api-${database}-`));
  const cleanup = () => rm(scratch, { recursive: true, force: true });
  if (database === 'sqlite') return { url: `sqlite:${join(scratch, 'bench.db')}`, scratch, cleanup };
  const server = options.servers[database];
  if (server.url === null) {
    await cleanup();
    const variable = database === 'postgres' ? 'BENCH_POSTGRES_URL' : 'BENCH_MYSQL_URL';
    return { skip: server.skip ?? `no ${variable} given (bench/run.mjs starts a throwaway server and sets it)` };
  }
  try {
    return { url: await testServers.createDatabase(server.url, DATABASE_NAME), scratch, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
