import { runContractSuite, type ContractBackend, type ContractHarness } from '@steptrail/adapter-contract';
import type { Store } from '@steptrail/domain';
import { sqlRawAccess } from '@steptrail/persistence-typeorm/test-support';
import { describe, it } from 'vitest';
import { createPostgresDataSource, openPostgresStore, postgresDialect } from '../src/index.js';
import { freshDatabase, migrate, postgresTitle, serverUrl } from './support/postgres-database.js';

const backend: ContractBackend = {
  name: 'postgres',
  capabilities: {
    concurrentWriters: true,
    concurrencyNote:
      'each store has its own connection pool; writers serialize on row locks, claimers skip locked rows',
  },
};

/** Two stores with separate pools, as two processes would have, on one freshly migrated database. */
async function postgresHarness(): Promise<ContractHarness> {
  const url = await freshDatabase('adapter_pg_contract');
  await migrate(url);
  const rawSource = await createPostgresDataSource({ url, poolSize: 2 }).initialize();
  const stores: Store[] = [];
  const open = async (): Promise<Store> => {
    const store = await openPostgresStore({ url, poolSize: 8 });
    stores.push(store);
    return store;
  };
  return {
    openStore: open,
    openSecondStore: open,
    raw: sqlRawAccess(rawSource, postgresDialect()),
    close: async () => {
      await Promise.all(stores.map((store) => store.close()));
      await rawSource.destroy();
    },
  };
}

if (serverUrl === null) {
  describe(postgresTitle('contract: postgres'), () => {
    it.skip(postgresTitle('runs the conformance suite against PostgreSQL'), () => undefined);
  });
} else {
  runContractSuite(postgresHarness, backend);
}
