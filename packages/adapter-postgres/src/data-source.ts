import pg from 'pg';
import { DataSource } from 'typeorm';
import { postgresMigrations } from '../migrations/index.js';
import { parseUtcTimestamp } from './utc-timestamp.js';

export interface PostgresConnectionOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** Connections this process keeps open at most. */
  poolSize?: number;
  /** How long to wait for a connection before failing with `unavailable`. */
  connectTimeoutMs?: number;
  /** Shown in pg_stat_activity, so operators can tell steptrail's sessions apart. */
  applicationName?: string;
}

/** Per pool, not pg.types: the global parsers belong to whoever else uses pg in the process. */
function utcTimestampTypes(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.TIMESTAMP, 'text', parseUtcTimestamp);
  return types;
}

/** A pg-backed data source in UTC with steptrail's migrations registered; synchronize is never on. */
export function createPostgresDataSource(options: PostgresConnectionOptions): DataSource {
  const dataSource = new DataSource({
    type: 'postgres',
    // Hand TypeORM the pg this package depends on instead of letting it require one from its own location.
    driver: pg,
    url: options.url,
    poolSize: options.poolSize ?? 10,
    connectTimeoutMS: options.connectTimeoutMs ?? 10_000,
    applicationName: options.applicationName ?? 'steptrail',
    installExtensions: false,
    synchronize: false,
    migrationsRun: false,
    migrations: postgresMigrations,
    migrationsTableName: 'steptrail_migrations',
    migrationsTransactionMode: 'each',
    extra: {
      // Session time zone UTC: timestamptz text comes back as +00 and now()-style defaults mean UTC.
      options: '-c TimeZone=UTC',
      types: utcTimestampTypes(),
    },
  });
  return dataSource;
}
