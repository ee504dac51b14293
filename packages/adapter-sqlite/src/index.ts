import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { systemClock, type Clock } from '@steptrail/domain';
import { TypeormStore } from '@steptrail/persistence-typeorm';
import { createSqliteDataSource } from './data-source.js';
import { sqliteDialect } from './sqlite-dialect.js';

export { createSqliteDataSource, type SqliteConnectionOptions } from './data-source.js';
export { sqliteCapabilities } from './capabilities.js';
export { mapSqliteError } from './errors.js';
export { sqliteDialect } from './sqlite-dialect.js';
export { sqliteMigrations } from '../migrations/index.js';

export interface OpenSqliteStoreOptions {
  path: string;
  clock?: Clock;
  busyTimeoutMs?: number;
}

/** Opens a Store on a migrated SQLite database: one writer connection, one reader connection. */
export async function openSqliteStore(options: OpenSqliteStoreOptions): Promise<TypeormStore> {
  const dataSource = await createSqliteDataSource(options).initialize();
  const readDataSource = await createSqliteDataSource(options).initialize();
  const path = resolve(options.path);
  const opened = await stat(path).catch(() => null);
  return TypeormStore.open({
    dataSource,
    readDataSource,
    dialect: sqliteDialect(),
    clock: options.clock ?? systemClock,
    ...(opened === null ? {} : { onPing: () => sameFile(path, opened) }),
  });
}

/**
 * An open SQLite connection keeps working on a file that was deleted or replaced, writing where nobody reads: the
 * ping fails instead, so readiness says so and the process stops if it lasts (docs/architecture.md#faults).
 */
async function sameFile(path: string, opened: { dev: number; ino: number }): Promise<void> {
  const now = await stat(path).catch(() => null);
  if (now === null || now.dev !== opened.dev || now.ino !== opened.ino) {
    throw new Error(
      `the database file ${path} was ${now === null ? 'removed' : 'replaced'} while this process had it open`,
    );
  }
}
