import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrateToLatest } from '@steptrail/runtime';
import { AppProcess, unprivilegedUser } from '@steptrail/test-servers/app-process';
import { afterAll, describe, expect, test } from 'vitest';
import { ENTRY, RUNNING, removeScratchDirs, scratchDir } from './support/standalone.js';

// A database or storage directory the process may read but not write used to pass start-up and then answer 500
// on every write; an unmigrated database the same. Each is now refused before serving: one line on stderr that
// says what is wrong and how to fix it, exit code 2 (docs/architecture.md#start-up). The processes run as an
// unprivileged user when the tests run as root, since root writes through any permission bits.

afterAll(removeScratchDirs);

const runAs = unprivilegedUser();

/** Hands the scratch directory to the user the app runs as, so only the modes a case sets bind it. */
function handOver(cwd: string): void {
  if (runAs !== undefined) execFileSync('chown', ['-R', `${runAs.uid}:${runAs.gid}`, cwd]);
}

/** A migrated SQLite database at `<cwd>/db/steptrail.db`. */
async function migratedDatabase(cwd: string): Promise<string> {
  const path = join(cwd, 'db', 'steptrail.db');
  await migrateToLatest({ kind: 'sqlite', path, display: `sqlite:${path}` });
  return path;
}

type App = keyof typeof ENTRY;

interface Case {
  name: string;
  apps: readonly App[];
  /** Prepares `cwd` and returns the app's environment. */
  prepare: (cwd: string) => Promise<Record<string, string>>;
  says: RegExp;
}

const CASES: readonly Case[] = [
  {
    name: 'a read-only SQLite file',
    apps: ['api', 'worker', 'standalone'],
    prepare: async (cwd) => {
      const path = await migratedDatabase(cwd);
      handOver(cwd);
      chmodSync(path, 0o444);
      return { DATABASE_URL: `sqlite:${path}` };
    },
    says: /cannot start: sqlite:\S+steptrail\.db refuses writes \(.*readonly database\)\. .* Make \S+steptrail\.db and its directory writable by this user \(uid \d+\)/,
  },
  {
    name: 'a read-only directory for the SQLite journal',
    apps: ['api', 'worker', 'standalone'],
    prepare: async (cwd) => {
      const path = await migratedDatabase(cwd);
      handOver(cwd);
      chmodSync(join(cwd, 'db'), 0o555);
      return { DATABASE_URL: `sqlite:${path}` };
    },
    says: /cannot start: sqlite:\S+steptrail\.db refuses writes \(.*readonly database\)\. .*-wal and -shm files/,
  },
  {
    name: 'an unmigrated database',
    apps: ['api', 'worker'],
    prepare: async (cwd) => {
      const path = join(cwd, 'db', 'empty.db');
      mkdirSync(join(cwd, 'db'));
      writeFileSync(path, '');
      handOver(cwd);
      return { DATABASE_URL: `sqlite:${path}` };
    },
    says: /cannot start: database schema is not migrated: sqlite:\S+empty\.db lacks \d+ migrations this version needs \(the first is \w+\)\. Run steptrail-migrate schema up .* with the same DATABASE_URL/,
  },
  {
    name: 'a storage directory without write permission',
    apps: ['api', 'worker', 'standalone'],
    prepare: async (cwd) => {
      const path = await migratedDatabase(cwd);
      mkdirSync(join(cwd, 'files'));
      handOver(cwd);
      chmodSync(join(cwd, 'files'), 0o555);
      return { DATABASE_URL: `sqlite:${path}`, STORAGE_DIR: join(cwd, 'files') };
    },
    says: /cannot start: STORAGE_DIR \S+files is not a writable directory \(EACCES\)\. Point STORAGE_DIR at a directory this user \(uid \d+\) may write/,
  },
];

const runs = CASES.flatMap((c) => c.apps.map((app) => ({ ...c, app })));

describe('start-up refuses what it could not serve', () => {
  test.each(runs)('$app: $name is one line on stderr and exit code 2', async ({ app, prepare, says }) => {
    const cwd = scratchDir();
    const env = await prepare(cwd);
    // The worker's scratch directory defaults to one under /tmp that other runs own.
    const base = { PORT: '0', LOG_LEVEL: 'warn', SCRATCH_DIR: join(cwd, 'scratch') };
    const child = new AppProcess(ENTRY[app], { ...base, ...env }, cwd, { runAs });
    try {
      expect(await child.exited, child.stderr).toBe(2);
      const lines = child.stderr.trim().split('\n');
      expect(lines, child.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(says);
    } finally {
      await child.stop();
    }
  });

  test('the same user with the same files writable starts and serves', async () => {
    const cwd = scratchDir();
    const path = await migratedDatabase(cwd);
    handOver(cwd);
    const child = new AppProcess(
      ENTRY.standalone,
      { PORT: '0', LOG_LEVEL: 'warn', START_WORKER: 'false', DATABASE_URL: `sqlite:${path}` },
      cwd,
      { runAs },
    );
    try {
      const [, , url] = await child.waitForOutput(RUNNING);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
    } finally {
      child.signal('SIGTERM');
      await child.exited;
    }
  });
});
