import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandSucceeds, runCommand, spawnServer, type RunAs } from './child-process.js';
import { createDatabase } from './create-database.js';
import { findPostgres, type PostgresBinaries } from './find-servers.js';
import {
  restartable,
  startOnFreePort,
  stopOnExit,
  waitUntilReady,
  type Launched,
  type RestartableServer,
} from './running-server.js';
import { serverUser } from './system-user.js';

export interface StartPostgresOptions {
  /** The database created for the tests; defaults to steptrail_test. */
  readonly database?: string;
  /** How long initdb plus start-up may take before we give up. */
  readonly startTimeoutMs?: number;
}

// Durability is traded for speed: a crashed test server is thrown away anyway. Everything else stays
// as a production server behaves, so tests still see real locking, isolation and SQL.
const testOnlySettings = [
  'fsync=off',
  'synchronous_commit=off',
  'full_page_writes=off',
  'wal_level=minimal',
  'max_wal_senders=0',
  // JIT compilation costs more than it saves on the tiny queries tests run.
  'jit=off',
];

/** Starts a throwaway PostgreSQL on a free port of 127.0.0.1, with an empty `steptrail_test` database. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<RestartableServer> {
  const lookup = findPostgres();
  if (!lookup.available)
    throw new Error(`cannot start PostgreSQL: ${lookup.reason}; install with ${lookup.installHint}`);
  // PostgreSQL refuses to run as root; the Debian package creates this user.
  const runAs = serverUser('postgres');
  return startOnFreePort((port) =>
    startOnce(
      lookup.binaries,
      runAs,
      port,
      options.database ?? 'steptrail_test',
      options.startTimeoutMs ?? 60_000,
    ),
  );
}

async function startOnce(
  binaries: PostgresBinaries,
  runAs: RunAs | null,
  port: number,
  database: string,
  timeoutMs: number,
): Promise<RestartableServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'steptrail-pg-'));
  try {
    if (runAs !== null) await chown(dataDir, runAs.uid, runAs.gid);
    const spawnOptions = { cwd: dataDir, runAs };
    await runCommand(
      binaries.initdb,
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '--encoding=UTF8', '--locale=C'],
      { ...spawnOptions, timeoutMs },
    );
    const settings = [`listen_addresses=127.0.0.1`, ...testOnlySettings].flatMap((setting) => [
      '-c',
      setting,
    ]);
    const isReady = () =>
      commandSucceeds(
        binaries.pgIsready,
        ['-q', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres'],
        spawnOptions,
      );
    // The socket goes into the data directory so parallel servers never share /var/run/postgresql.
    const launch = async (): Promise<Launched> => {
      const server = spawnServer(
        binaries.postgres,
        ['-D', dataDir, '-p', String(port), '-k', dataDir, ...settings],
        spawnOptions,
      );
      const forget = stopOnExit(server, 'SIGQUIT', dataDir);
      try {
        await waitUntilReady(server, isReady, 'PostgreSQL', timeoutMs);
        return { server, forget };
      } catch (error) {
        await server.stop('SIGQUIT', 10_000);
        forget();
        throw error;
      }
    };
    const running = await launch();
    try {
      const url = await createDatabase(`postgres://postgres@127.0.0.1:${port}/postgres`, database);
      // SIGINT is PostgreSQL's "fast" shutdown: it ends sessions instead of waiting for clients to leave, and
      // writes a checkpoint, so nothing committed is lost even with synchronous_commit off.
      return restartable(url, running, launch, 'SIGINT', dataDir);
    } catch (error) {
      await running.server.stop('SIGQUIT', 10_000);
      running.forget();
      throw error;
    }
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
