import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
// TypeORM's data source module, not its index, which loads the whole library (docs/architecture.md#start-up-cost).
import { DataSource } from 'typeorm/data-source/DataSource.js';
import { sqliteMigrations } from '../migrations/index.js';

export interface SqliteConnectionOptions {
  /** Path of the database file; created with its folder when missing. */
  path: string;
  /** How long a writer waits for another process's write lock before failing. */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

/** A better-sqlite3 data source in WAL mode with a busy timeout; migrations are registered, never synchronize. */
export function createSqliteDataSource(options: SqliteConnectionOptions): DataSource {
  const path = resolve(options.path);
  mkdirSync(dirname(path), { recursive: true });
  return new DataSource({
    type: 'better-sqlite3',
    database: path,
    timeout: options.busyTimeoutMs ?? 10_000,
    enableWAL: true,
    readonly: options.readonly ?? false,
    synchronize: false,
    migrationsRun: false,
    migrations: sqliteMigrations,
    migrationsTableName: 'steptrail_migrations',
    migrationsTransactionMode: 'each',
    prepareDatabase: (db: { pragma(statement: string): unknown }) => {
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = NORMAL');
    },
  });
}
