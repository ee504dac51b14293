import { systemClock, type Clock } from '@steptrail/domain';
import { TypeormStore } from '@steptrail/persistence-typeorm';
import { mysqlCapabilities } from './capabilities.js';
import { createMysqlDataSource, type MysqlConnectionOptions } from './data-source.js';
import { mapMysqlError } from './errors.js';
import { mysqlDialect } from './mysql-dialect.js';

export { createMysqlDataSource, parseMysqlUrl, type MysqlConnectionOptions } from './data-source.js';
export { mysqlCapabilities } from './capabilities.js';
export { mapMysqlError } from './errors.js';
export { mysqlDialect } from './mysql-dialect.js';
export { mysqlMigrations } from '../migrations/index.js';
export { mysqlSchemaDialect } from '../migrations/mysql-schema-dialect.js';

export interface OpenMysqlStoreOptions extends MysqlConnectionOptions {
  clock?: Clock;
}

/**
 * Opens a Store on a migrated MySQL or MariaDB database: one connection pool for transactions and reads. A server
 * that cannot be reached fails here as StoreError 'unavailable'.
 */
export async function openMysqlStore(options: OpenMysqlStoreOptions): Promise<TypeormStore> {
  const { clock, ...connection } = options;
  const dataSource = await createMysqlDataSource(connection)
    .initialize()
    .catch((error: unknown) => {
      throw mapMysqlError(error);
    });
  return TypeormStore.open({
    dataSource,
    dialect: mysqlDialect(),
    capabilities: mysqlCapabilities,
    clock: clock ?? systemClock,
  });
}
