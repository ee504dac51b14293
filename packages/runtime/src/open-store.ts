import { systemClock, type Clock, type Store } from '@steptrail/domain';
import type { DataSource } from 'typeorm';
import type { DatabaseTarget } from './database-url.js';

export interface StoreOptions {
  clock?: Clock;
  /** Connections per process for server databases. */
  poolSize?: number;
}

/** Opens the Store of the adapter the target names; only that adapter's driver is loaded. */
export async function openStore(target: DatabaseTarget, options: StoreOptions = {}): Promise<Store> {
  const clock = options.clock ?? systemClock;
  switch (target.kind) {
    case 'sqlite': {
      const { openSqliteStore } = await import('@steptrail/adapter-sqlite');
      return openSqliteStore({ path: target.path, clock });
    }
    case 'postgres': {
      const { openPostgresStore } = await import('@steptrail/adapter-postgres');
      return openPostgresStore({ url: target.url, clock, ...poolSize(options) });
    }
    case 'mysql': {
      const { openMysqlStore } = await import('@steptrail/adapter-mysql');
      return openMysqlStore({ url: target.url, clock, ...poolSize(options) });
    }
  }
}

const poolSize = (options: StoreOptions) =>
  options.poolSize === undefined ? {} : { poolSize: options.poolSize };

/** A data source with the target's migrations registered (not initialised): what the migrator drives. */
export async function migrationDataSource(target: DatabaseTarget): Promise<DataSource> {
  switch (target.kind) {
    case 'sqlite': {
      const { createSqliteDataSource } = await import('@steptrail/adapter-sqlite');
      return createSqliteDataSource({ path: target.path });
    }
    case 'postgres': {
      const { createPostgresDataSource } = await import('@steptrail/adapter-postgres');
      return createPostgresDataSource({ url: target.url, poolSize: 2 });
    }
    case 'mysql': {
      const { createMysqlDataSource } = await import('@steptrail/adapter-mysql');
      return createMysqlDataSource({ url: target.url, poolSize: 2 });
    }
  }
}
