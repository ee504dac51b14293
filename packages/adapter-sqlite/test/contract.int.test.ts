import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runContractSuite, type ContractBackend, type ContractHarness } from '@steptrail/adapter-contract';
import { sqlRawAccess } from '@steptrail/persistence-typeorm/test-support';
import { createSqliteDataSource, openSqliteStore, sqliteDialect } from '../src/index.js';

const backend: ContractBackend = {
  name: 'sqlite',
  capabilities: {
    concurrentWriters: false,
    // better-sqlite3 blocks the event loop while it waits for a lock, so a second writer connection in the same
    // process would wait on a transaction that cannot progress; one process has one writer connection.
    concurrencyNote: 'SQLite has one writer connection per process; concurrent writers share it',
  },
};

async function sqliteHarness(): Promise<ContractHarness> {
  const directory = mkdtempSync(join(tmpdir(), 'steptrail-contract-'));
  const path = join(directory, 'contract.db');
  const migrations = await createSqliteDataSource({ path }).initialize();
  await migrations.runMigrations();
  const store = await openSqliteStore({ path });
  return {
    openStore: async () => store,
    openSecondStore: async () => store,
    raw: sqlRawAccess(migrations, sqliteDialect()),
    close: async () => {
      await store.close();
      await migrations.destroy();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

runContractSuite(sqliteHarness, backend);
