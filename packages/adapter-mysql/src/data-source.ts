import mysql2 from 'mysql2';
// TypeORM's data source module, not its index, which loads the whole library (docs/architecture.md#start-up-cost).
import { DataSource } from 'typeorm/data-source/DataSource.js';
import { mysqlMigrations } from '../migrations/index.js';

export interface MysqlConnectionOptions {
  /** mysql://user:password@host:3306/database (mariadb:// is accepted too). */
  url: string;
  /** Connections in this process's pool; each open transaction holds one. */
  poolSize?: number;
  /** How long opening a connection may take before it fails as unavailable. */
  connectTimeoutMs?: number;
}

interface Endpoint {
  host: string;
  port: number;
  username: string;
  password: string;
  database: string;
}

/** Splits a mysql:// URL; percent-encoded user names and passwords are decoded. */
export function parseMysqlUrl(url: string): Endpoint {
  const parsed = new URL(url);
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new Error(`Expected a mysql:// or mariadb:// URL, got the scheme ${parsed.protocol}`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '')
    throw new Error('The MySQL URL names no database (mysql://user:password@host:3306/database).');
  return {
    // URL keeps the brackets of an IPv6 literal; the socket API wants the bare address.
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? 3306 : Number(parsed.port),
    username: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database,
  };
}

/**
 * A mysql2 pool as a TypeORM data source; migrations are registered, synchronize is never on.
 * Not connected yet: call initialize().
 */
export function createMysqlDataSource(options: MysqlConnectionOptions): DataSource {
  return new DataSource({
    type: 'mysql',
    // Passed explicitly so TypeORM uses this package's mysql2, whatever its own module resolution finds.
    driver: mysql2,
    ...parseMysqlUrl(options.url),
    poolSize: options.poolSize ?? 10,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    // The connection collation; steptrail's tables declare their own (utf8mb4_bin).
    charset: 'utf8mb4_unicode_ci',
    // DATETIME has no zone: mysql2 writes Dates and reads DATETIME values as UTC, whatever the server's zone.
    timezone: 'Z',
    dateStrings: false,
    // BIGINT (COUNT(*), last_event_id) arrives as a number while it is exact and as a string beyond 2^53;
    // the row parsers accept both and refuse what is not a safe integer.
    supportBigNumbers: true,
    bigNumberStrings: false,
    // mysql2's default, stated because the core depends on it: UPDATE reports the rows it matched, not only those
    // whose values changed, so renewing a lease to the same expiry still counts as held.
    flags: ['FOUND_ROWS'],
    synchronize: false,
    migrationsRun: false,
    migrations: mysqlMigrations,
    migrationsTableName: 'steptrail_migrations',
    // MySQL commits implicitly before and after every DDL statement, so a migration transaction would only
    // pretend; the migrations are written to be re-run safely after a partial failure instead.
    migrationsTransactionMode: 'none',
  });
}
