import { runContractSuite, type ContractBackend, type ContractHarness } from '@steptrail/adapter-contract';
import type { Store } from '@steptrail/domain';
import { sqlRawAccess } from '@steptrail/persistence-typeorm/test-support';
import { describe, it } from 'vitest';
import { mysqlDialect, openMysqlStore } from '../src/index.js';
import { connect, freshDatabase, migrate, mysqlTitle, noMysql } from './support/mysql-test-database.js';

const backend: ContractBackend = {
  name: 'mysql',
  capabilities: {
    concurrentWriters: true,
    concurrencyNote:
      'each store has its own connection pool; writers serialize on InnoDB row locks, claimers skip locked rows',
  },
};

/** Two stores with separate pools, as two worker processes would have, on one freshly migrated database. */
async function mysqlHarness(): Promise<ContractHarness> {
  const url = await freshDatabase('steptrail_mysql_contract');
  await migrate(url);
  const rawSource = await connect(url, 2);
  const stores: Store[] = [];
  const open = async (): Promise<Store> => {
    const store = await openMysqlStore({ url, poolSize: 8 });
    stores.push(store);
    return store;
  };
  return {
    openStore: open,
    openSecondStore: open,
    raw: sqlRawAccess(rawSource, mysqlDialect()),
    close: async () => {
      await Promise.all(stores.map((store) => store.close()));
      await rawSource.destroy();
    },
  };
}

if (noMysql) {
  describe(mysqlTitle('contract: mysql'), () => {
    it.skip(mysqlTitle('runs the conformance suite against MySQL/MariaDB'), () => undefined);
  });
} else {
  runContractSuite(mysqlHarness, backend);
}
