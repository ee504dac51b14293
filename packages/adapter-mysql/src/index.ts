import { systemClock, type Clock } from '@steptrail/domain';
import { TypeormStore } from '@steptrail/persistence-typeorm';
import { createMysqlDataSource, type MysqlConnectionOptions } from './data-source.js';
import { mapMysqlError } from './errors.js';
import { mysqlDialect, readAutoIncrementStep, requireUnitAutoIncrement } from './mysql-dialect.js';

export { createMysqlDataSource, parseMysqlUrl, type MysqlConnectionOptions } from './data-source.js';
export { mysqlCapabilities } from './capabilities.js';
export { mapMysqlError } from './errors.js';
export { mysqlDialect, requireUnitAutoIncrement } from './mysql-dialect.js';
export { mysqlMigrations } from '../migrations/index.js';
export { mysqlSchemaDialect } from '../migrations/mysql-schema-dialect.js';

export interface OpenMysqlStoreOptions extends MysqlConnectionOptions {
  clock?: Clock;
}

/**
 * Opens a Store on a migrated MySQL or MariaDB database: one connection pool for transactions and reads. A server
 * that cannot be reached fails here as StoreError 'unavailable'; one whose auto-increment step is not 1 is refused.
 */
export async function openMysqlStore(options: OpenMysqlStoreOptions): Promise<TypeormStore> {
  const { clock, ...connection } = options;
  const dataSource = await createMysqlDataSource(connection)
    .initialize()
    .catch((error: unknown) => {
      throw mapMysqlError(error);
    });
  try {
    requireUnitAutoIncrement(await readAutoIncrementStep(dataSource));
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return TypeormStore.open({
    dataSource,
    dialect: mysqlDialect(),
    clock: clock ?? systemClock,
  });
}
