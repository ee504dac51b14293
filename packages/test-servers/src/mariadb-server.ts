import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { runCommand, spawnServer } from './child-process.js';
import { createDatabase } from './create-database.js';
import { findMariaDb, type MariaDbBinaries } from './find-servers.js';
import {
  restartable,
  startOnFreePort,
  stopOnExit,
  waitUntilReady,
  type Launched,
  type RestartableServer,
} from './running-server.js';
import { isRoot } from './system-user.js';

export interface StartMariaDbOptions {
  /** The database created for the tests; defaults to steptrail_test. */
  readonly database?: string;
  /** How long mariadb-install-db plus start-up may take before we give up. */
  readonly startTimeoutMs?: number;
}

// Durability is traded for speed (no binary log, no flush per commit, no doublewrite buffer); storage
// engine, isolation and SQL mode stay the defaults a production MariaDB has.
const testOnlySettings = [
  '--skip-log-bin',
  '--innodb-flush-log-at-trx-commit=0',
  '--innodb-doublewrite=0',
  '--innodb-buffer-pool-size=64M',
];

// --no-defaults ignores /etc/mysql, whose Debian settings would otherwise choose the character set.
const sameOnEveryMachine = [
  '--character-set-server=utf8mb4',
  '--collation-server=utf8mb4_unicode_ci',
  // Grants are for root@127.0.0.1; without this a reverse lookup of 127.0.0.1 decides who we are.
  '--skip-name-resolve',
];

/** Starts a throwaway MariaDB on a free port of 127.0.0.1, with an empty `steptrail_test` database. */
export async function startMariaDb(options: StartMariaDbOptions = {}): Promise<RestartableServer> {
  const lookup = findMariaDb();
  if (!lookup.available)
    throw new Error(`cannot start MariaDB: ${lookup.reason}; install with ${lookup.installHint}`);
  return startOnFreePort((port) =>
    startOnce(lookup.binaries, port, options.database ?? 'steptrail_test', options.startTimeoutMs ?? 60_000),
  );
}

async function startOnce(
  binaries: MariaDbBinaries,
  port: number,
  database: string,
  timeoutMs: number,
): Promise<RestartableServer> {
  const root = await mkdtemp(join(tmpdir(), 'steptrail-mariadb-'));
  const dataDir = join(root, 'data');
  // A tmpdir of its own: MariaDB names internal temp tables after a counter, so two servers (or two
  // mariadb-install-db runs) sharing /tmp delete each other's files and fail at random.
  const tmpDir = join(root, 'tmp');
  // Unlike PostgreSQL, mariadbd runs as root when told to explicitly, which spares a chown of the data
  // directory; as anyone else it simply runs as that user.
  const asRoot = isRoot() ? ['--user=root'] : [];
  const common = ['--no-defaults', `--datadir=${dataDir}`, `--tmpdir=${tmpDir}`, ...asRoot];
  const spawnOptions = { cwd: root, runAs: null };
  try {
    await mkdir(tmpDir);
    await runCommand(
      binaries.installDb,
      [...common, '--auth-root-authentication-method=normal', '--skip-test-db'],
      {
        ...spawnOptions,
        timeoutMs,
      },
    );
    const args = [
      ...common,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(root, 'mariadbd.sock')}`,
      `--pid-file=${join(root, 'mariadbd.pid')}`,
      ...testOnlySettings,
      ...sameOnEveryMachine,
    ];
    const launch = async (): Promise<Launched> => {
      const server = spawnServer(binaries.mariadbd, args, spawnOptions);
      const forget = stopOnExit(server, 'SIGKILL', root);
      try {
        await waitUntilReady(server, () => acceptsConnections(port), 'MariaDB', timeoutMs);
        return { server, forget };
      } catch (error) {
        await server.stop('SIGKILL', 10_000);
        forget();
        throw error;
      }
    };
    const running = await launch();
    try {
      const url = await createDatabase(`mysql://root@127.0.0.1:${port}/`, database);
      // SIGTERM is MariaDB's normal shutdown: it flushes the redo log, so nothing committed is lost even with
      // flush-at-commit off (only a crash loses the last second).
      return restartable(url, running, launch, 'SIGTERM', root);
    } catch (error) {
      await running.server.stop('SIGKILL', 10_000);
      running.forget();
      throw error;
    }
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/** A protocol-level check: the handshake and a ping succeed, not merely the TCP connect. */
async function acceptsConnections(port: number): Promise<boolean> {
  try {
    const connection = await mysql.createConnection({
      host: '127.0.0.1',
      port,
      user: 'root',
      connectTimeout: 2_000,
    });
    try {
      await connection.ping();
      return true;
    } finally {
      await connection.end();
    }
  } catch {
    return false;
  }
}
