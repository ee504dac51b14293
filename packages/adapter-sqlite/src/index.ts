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
  return TypeormStore.open({
    dataSource,
    readDataSource,
    dialect: sqliteDialect(),
    clock: options.clock ?? systemClock,
  });
}
