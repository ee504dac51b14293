import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '@steptrail/domain';
import { MemoryStore } from '@steptrail/domain/memory';
import { TOKENS, migrateToLatest, parseDatabaseUrl } from '@steptrail/runtime';
import { createDatabase } from '@steptrail/test-servers';
import type { DependencyContainer } from 'tsyringe';
import { parseApiConfig, type ApiConfig } from '../../src/config.js';
import { API, buildApiContainer } from '../../src/container.js';

/** How a suite gets a fresh, migrated database of one kind. */
export interface Backend {
  name: 'memory' | 'sqlite' | 'postgres' | 'mariadb';
  /** Whether another process can write to the same database (everything but the in-memory store). */
  shared: boolean;
  /** Whether the database refuses dangling references (files.duplicate_of_id). */
  foreignKeys: boolean;
  /** A fresh DATABASE_URL with the schema applied; null for the in-memory store. */
  prepare(suite: string): Promise<string | null>;
}

export const memoryBackend: Backend = {
  name: 'memory',
  shared: false,
  foreignKeys: false,
  prepare: async () => null,
};

export const sqliteBackend: Backend = {
  name: 'sqlite',
  shared: true,
  foreignKeys: true,
  prepare: async (suite) => migrated(`sqlite:${join(scratchDir(), `${suite}.db`)}`),
};

export const serverBackend = (name: 'postgres' | 'mariadb', serverUrl: string | null): Backend => ({
  name,
  shared: true,
  foreignKeys: true,
  prepare: async (suite) => {
    if (serverUrl === null) throw new Error(`no ${name} server in this run`);
    return migrated(await createDatabase(serverUrl, suite));
  },
});

async function migrated(databaseUrl: string): Promise<string> {
  const target = parseDatabaseUrl(databaseUrl, process.cwd());
  if (!target.ok) throw new Error(target.error.message);
  await migrateToLatest(target.value);
  return databaseUrl;
}

const scratchDirs: string[] = [];
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'steptrail-api-'));
  scratchDirs.push(dir);
  return dir;
}
export const removeScratchDirs = (): void => {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
};

export interface RunningApi {
  url: string;
  config: ApiConfig;
  container: DependencyContainer;
  store: Store;
  databaseUrl: string | null;
  /** Every JSON log line the API wrote. */
  logs: Array<Record<string, unknown>>;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the API on a free port with `env` on top of test defaults; the caller closes it. */
export async function startApi(
  databaseUrl: string | null,
  env: Record<string, string> = {},
): Promise<RunningApi> {
  const config = parseApiConfig(
    {
      PORT: '0',
      STORAGE_DIR: join(scratchDir(), 'uploads'),
      PROCESSED_DIR: join(scratchDir(), 'processed'),
      LOG_LEVEL: 'info',
      EVENTS_POLL_MS: '50',
      EVENTS_GAP_GRACE_MS: '200',
      // The suite checks counts right after each change; the counts cache has its own unit tests.
      COUNTS_MAX_AGE_MS: '0',
      ...(databaseUrl === null ? {} : { DATABASE_URL: databaseUrl }),
      ...env,
    },
    process.cwd(),
  );
  const logs: Array<Record<string, unknown>> = [];
  const logDestination = {
    write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>),
  };
  const container = await buildApiContainer(config, {
    ...(databaseUrl === null ? { store: new MemoryStore() } : {}),
    logDestination,
  });
  const server = container.resolve(API.Server);
  const url = await server.listen();
  return {
    url,
    config,
    container,
    store: container.resolve(TOKENS.Store),
    databaseUrl,
    logs,
    fetch: (path, init) => fetch(`${url}${path}`, init),
    close: () => server.close(),
  };
}
