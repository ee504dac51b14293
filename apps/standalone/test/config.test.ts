import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@steptrail/runtime';
import { describe, expect, test } from 'vitest';
import { parseStandaloneConfig } from '../src/config.js';

async function problemsOf(env: Record<string, string>): Promise<string[]> {
  const refused: unknown = await parseStandaloneConfig(env, '/srv/steptrail').catch(
    (error: unknown) => error,
  );
  if (refused instanceof ConfigError) return refused.problems;
  throw new Error('the configuration was accepted');
}

describe('all-in-one configuration', () => {
  test('both parts read the same database, storage and log level', async () => {
    // SQLite's folder must exist (only the default ./data is created), so the files sit in the temp folder.
    const cwd = tmpdir();
    const config = await parseStandaloneConfig(
      { DATABASE_URL: 'sqlite:shared.db', STORAGE_DIR: 'files', LOG_LEVEL: 'debug' },
      cwd,
    );
    const shared = {
      database: { path: join(cwd, 'shared.db') },
      storageDir: join(cwd, 'files'),
      logLevel: 'debug',
    };
    expect(config.api).toMatchObject(shared);
    expect(config.worker).toMatchObject(shared);
  });

  test('START_WORKER=false runs the API alone and reads no worker variable', async () => {
    const config = await parseStandaloneConfig({ START_WORKER: 'false', WORKER_CONCURRENCY: 'many' }, '/');
    expect(config.worker).toBeNull();
  });

  test("every problem of every part is listed once, a shared variable's only once", async () => {
    const problems = await problemsOf({
      DATABASE_URL: 'oracle://db',
      PORT: 'eighty',
      WORKER_CONCURRENCY: 'many',
      START_WORKER: 'maybe',
    });
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'DATABASE_URL',
      'PORT',
      'START_WORKER',
      'WORKER_CONCURRENCY',
    ]);
  });
});
