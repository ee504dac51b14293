import pg from 'pg';
// TypeORM's data source module, not its index, which loads the whole library (docs/architecture.md#start-up-cost).
import { DataSource } from 'typeorm/data-source/DataSource.js';
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

/**
 * Gives every pooled connection an 'error' listener for its whole life (docs/architecture.md#connection-errors).
 * pg-pool removes its own listener when it hands a connection out, and TypeORM adds one a few microtasks later;
 * a server that shuts down just as a connection is made sends its termination in the same read as the handshake's
 * end, which lands in that gap, and an 'error' event without a listener ends the process. The connection is still
 * dropped: pg-pool discards a broken one when it comes back, and its next query fails with an error the caller
 * handles.
 */
export function keepConnectionErrorsHandled(client: pg.ClientBase): void {
  client.on('error', () => undefined);
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
      onConnect: keepConnectionErrorsHandled,
    },
  });
  return dataSource;
}
