import type { DataSource, QueryRunner } from 'typeorm';
import type { DatabaseTarget } from './database-url.js';
import { migrationDataSource } from './open-store.js';
import { StartupProblem, cannotOpenDatabase } from './startup.js';

// Start-up checks of the database a serving process (API, worker) is about to use: its schema is migrated and it
// takes writes. Both used to pass start-up and then answer 500 on every write (docs/architecture.md#start-up).

/** How an operator migrates: what a refusal tells them to run. */
export const MIGRATE_COMMAND =
  'steptrail-migrate schema up (apps/migrator) with the same DATABASE_URL, or pnpm start, which migrates itself';

/** Driver error codes meaning "this connection may read but not write". */
const READ_ONLY_CODES = new Set([
  // SQLite: the file, or the directory where its -wal and -shm files live, is not writable.
  'SQLITE_READONLY',
  'SQLITE_READONLY_DIRECTORY',
  'SQLITE_READONLY_DBMOVED',
  'SQLITE_READONLY_RECOVERY',
  'SQLITE_READONLY_CANTINIT',
  'SQLITE_READONLY_CANTLOCK',
  'SQLITE_CANTOPEN',
  // PostgreSQL: read-only transaction (a replica, default_transaction_read_only), missing privilege.
  '25006',
  '42501',
  // MySQL/MariaDB: --read-only, table and database privileges.
  'ER_OPTION_PREVENTS_STATEMENT',
  'ER_TABLEACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_READ_ONLY_MODE',
]);

/** Whether `error` (or one of its causes) says the database refuses this process's writes. */
export function isReadOnlyError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const { code, driverError } = current as { code?: unknown; driverError?: unknown };
    if (typeof code === 'string' && READ_ONLY_CODES.has(code)) return true;
    if (driverError instanceof Error && isReadOnlyError(driverError)) return true;
    current = current.cause;
  }
  return false;
}

/** The start-up problem of a database this process may read but not write: what is wrong and what to change. */
export function cannotWriteDatabase(target: DatabaseTarget, error: unknown): StartupProblem {
  const reason = error instanceof Error ? error.message : String(error);
  const fix =
    target.kind === 'sqlite'
      ? `Make ${target.path} and its directory writable by this user (uid ${process.getuid?.() ?? '?'}): SQLite ` +
        'also writes the -wal and -shm files beside it'
      : 'Connect as a user with INSERT, UPDATE and DELETE on steptrail’s tables, to the primary server rather ' +
        'than a read-only replica, and check that the database is not in read-only mode';
  return new StartupProblem(
    `${target.display} refuses writes (${reason}). steptrail records every event there, so it does not ` +
      `start on a database it cannot write. ${fix}, or point DATABASE_URL at one it can write.`,
    { cause: error },
  );
}

/** The start-up problem of a database whose schema lacks migrations this build needs. */
export function schemaNotMigrated(target: DatabaseTarget, pending: readonly string[]): StartupProblem {
  const first = pending[0] ?? '?';
  return new StartupProblem(
    `database schema is not migrated: ${target.display} lacks ${pending.length} migration` +
      `${pending.length === 1 ? '' : 's'} this version needs (the first is ${first}). Run ${MIGRATE_COMMAND}, ` +
      'then start again.',
  );
}

/**
 * Refuses start-up (StartupProblem) unless `target` opens, has every migration this build knows, and takes a
 * write: a row added to the migrations table inside a transaction that is rolled back, so nothing changes.
 * A database ahead of this build (migrations it does not know) is accepted: migrations only add.
 */
export async function checkDatabaseServes(target: DatabaseTarget): Promise<void> {
  const dataSource = await openForCheck(target);
  try {
    const pending = await pendingMigrations(dataSource);
    if (pending.length > 0) throw schemaNotMigrated(target, pending);
    await probeWrite(dataSource).catch((error: unknown) => {
      throw isReadOnlyError(error) ? cannotWriteDatabase(target, error) : error;
    });
  } finally {
    await dataSource.destroy();
  }
}

async function openForCheck(target: DatabaseTarget): Promise<DataSource> {
  try {
    return await (await migrationDataSource(target)).initialize();
  } catch (error) {
    throw isReadOnlyError(error) ? cannotWriteDatabase(target, error) : cannotOpenDatabase(target, error);
  }
}

/** The names of the migrations this build knows that the database has not applied, oldest first. */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const table = migrationsTable(dataSource);
  const runner = dataSource.createQueryRunner();
  try {
    const applied = new Set<string>();
    if (await runner.hasTable(table)) {
      const rows = (await runner.query(`SELECT name FROM ${dataSource.driver.escape(table)}`)) as unknown[];
      for (const row of rows) applied.add(String((row as { name?: unknown }).name));
    }
    return dataSource.migrations
      .map((migration) => migration.name ?? migration.constructor.name)
      .filter((name) => !applied.has(name));
  } finally {
    await runner.release();
  }
}

const migrationsTable = (dataSource: DataSource): string =>
  dataSource.options.migrationsTableName ?? 'migrations';

async function probeWrite(dataSource: DataSource): Promise<void> {
  const runner: QueryRunner = dataSource.createQueryRunner();
  const quote = (name: string) => dataSource.driver.escape(name);
  try {
    await runner.startTransaction();
    try {
      await runner.query(
        `INSERT INTO ${quote(migrationsTable(dataSource))} (${quote('timestamp')}, ${quote('name')}) ` +
          `VALUES (0, 'steptrail start-up write probe')`,
      );
    } finally {
      // A failed statement may have ended the transaction already; the statement's error is what matters.
      await runner.rollbackTransaction().catch(() => undefined);
    }
  } finally {
    await runner.release();
  }
}

/**
 * Applies every pending migration; returns the names applied. A database it cannot open or write is a
 * StartupProblem saying what to change.
 */
export async function migrateToLatest(target: DatabaseTarget): Promise<string[]> {
  const dataSource = await openForCheck(target);
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' }).catch((error: unknown) => {
      throw isReadOnlyError(error) ? cannotWriteDatabase(target, error) : error;
    });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
