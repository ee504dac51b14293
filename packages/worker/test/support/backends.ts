import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '@steptrail/test-servers';
import { backendUrls } from '@steptrail/test-servers/backend-urls';
import { migrateToLatest, parseDatabaseUrl, type DatabaseTarget } from '@steptrail/runtime';

export interface FreshDatabase {
  /** The DATABASE_URL of a new, migrated database. */
  url: string;
  target: DatabaseTarget;
  drop(): Promise<void>;
}

export interface TestBackend {
  name: 'sqlite' | 'postgres' | 'mysql';
  /** Why this backend's tests are skipped; null when it runs. */
  skipReason: string | null;
  fresh(label: string): Promise<FreshDatabase>;
}

/** SQLite always; PostgreSQL and MariaDB when the test-servers globalSetup started (or was given) them. */
export function testBackends(): TestBackend[] {
  const urls = backendUrls();
  return [
    { name: 'sqlite', skipReason: null, fresh: freshSqlite },
    {
      name: 'postgres',
      skipReason: urls.skipReason.postgres,
      fresh: (label) => freshServer(urls.postgres, label),
    },
    { name: 'mysql', skipReason: urls.skipReason.mysql, fresh: (label) => freshServer(urls.mysql, label) },
  ];
}

async function freshSqlite(label: string): Promise<FreshDatabase> {
  const dir = await mkdtemp(join(tmpdir(), `steptrail-worker-${label}-`));
  return migrated(`sqlite:${join(dir, 'steptrail.db')}`, () => rm(dir, { recursive: true, force: true }));
}

async function freshServer(serverUrl: string | null, label: string): Promise<FreshDatabase> {
  if (serverUrl === null) throw new Error('no server URL: this backend should have been skipped');
  const name = `worker_${label.replace(/[^a-z0-9_]/g, '_')}`.slice(0, 60);
  return migrated(await createDatabase(serverUrl, name), async () => undefined);
}

async function migrated(url: string, drop: () => Promise<void>): Promise<FreshDatabase> {
  const parsed = parseDatabaseUrl(url, process.cwd());
  if (!parsed.ok) throw new Error(parsed.error.message);
  await migrateToLatest(parsed.value);
  return { url, target: parsed.value, drop };
}
