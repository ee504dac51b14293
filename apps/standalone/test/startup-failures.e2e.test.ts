import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { migrateToLatest } from '@steptrail/runtime';
import { AppProcess } from '@steptrail/test-servers/app-process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ENTRY, removeScratchDirs, scratchDir } from './support/standalone.js';

// Every app refuses to start the same way (the migrator too): one line on stderr that says what is wrong and what
// to do, exit code 2, never a stack trace.

let taken: Server;
let takenPort: number;

beforeAll(async () => {
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const address = taken.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  takenPort = address.port;
});

afterAll(async () => {
  await new Promise((resolve) => taken.close(resolve));
  removeScratchDirs();
});

/** A port nothing listens on, for a database URL that cannot connect. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

type Entry = keyof typeof ENTRY;

interface Case {
  name: string;
  apps: readonly Entry[];
  env: (cwd: string) => Promise<Record<string, string>>;
  says: RegExp;
}

const migratedSqlite = async (cwd: string): Promise<string> => {
  const path = join(cwd, 'migrated.db');
  await migrateToLatest({ kind: 'sqlite', path, display: `sqlite:${path}` });
  return `sqlite:${path}`;
};

const notADirectory = (cwd: string): string => {
  const path = join(cwd, 'plain-file');
  writeFileSync(path, 'x');
  return path;
};

const CASES: readonly Case[] = [
  {
    name: 'an unreachable database',
    apps: ['api', 'worker', 'standalone'],
    env: async () => ({ DATABASE_URL: `postgres://steptrail@127.0.0.1:${await closedPort()}/steptrail` }),
    says: /cannot start: Cannot open postgres:\/\/steptrail@127\.0\.0\.1:\d+\/steptrail: .*Check DATABASE_URL and that the server runs/,
  },
  {
    name: 'a port in use',
    apps: ['api', 'standalone'],
    // On a migrated database: the API alone refuses an unmigrated one before it listens.
    env: async (cwd) => ({ PORT: String(takenPort), DATABASE_URL: await migratedSqlite(cwd) }),
    says: /cannot start: 127\.0\.0\.1:\d+ is already in use by another process\. Stop that process, or set PORT to a free port/,
  },
  {
    name: 'a storage directory it cannot write',
    apps: ['api', 'worker', 'standalone'],
    env: async (cwd) => ({ STORAGE_DIR: notADirectory(cwd) }),
    says: /cannot start: STORAGE_DIR \S+plain-file is not a writable directory \(\w+\)\. Point STORAGE_DIR at a directory/,
  },
];

const runs = CASES.flatMap((c) => c.apps.map((app) => ({ ...c, app })));

describe('start-up failures', () => {
  test.each(runs)('$app: $name is one line on stderr and exit code 2', async ({ app, env, says }) => {
    const cwd = scratchDir();
    const child = new AppProcess(ENTRY[app], { PORT: '0', LOG_LEVEL: 'warn', ...(await env(cwd)) }, cwd);
    try {
      expect(await child.exited, child.stderr).toBe(2);
      const lines = child.stderr.trim().split('\n');
      expect(lines, child.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(says);
      expect(lines[0]).toMatch(
        new RegExp(`^steptrail${app === 'standalone' ? '' : `-${app}`} cannot start: `),
      );
    } finally {
      await child.stop();
    }
  });

  test.each(['api', 'worker', 'standalone'] as const)(
    '%s: bad configuration lists every problem, exit code 2, no stack trace',
    async (app) => {
      const cwd = scratchDir();
      const child = new AppProcess(
        ENTRY[app],
        { PORT: 'eighty', LOG_LEVEL: 'loud', WORKER_CONCURRENCY: 'many' },
        cwd,
      );
      try {
        expect(await child.exited, child.stderr).toBe(2);
        expect(child.stderr).toMatch(/^Invalid configuration:\n/);
        expect(child.stderr).toMatch(/- LOG_LEVEL: /);
        if (app !== 'worker') expect(child.stderr).toMatch(/- PORT: /);
        if (app !== 'api') expect(child.stderr).toMatch(/- WORKER_CONCURRENCY: /);
        expect(child.stderr).not.toMatch(/\n\s+at /);
      } finally {
        await child.stop();
      }
    },
  );
});
