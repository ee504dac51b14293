import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { backendUrls } from '../src/backend-urls.js';

const run = promisify(execFile);
const urls = backendUrls();

// Apps and CLIs started by e2e tests cannot call inject(); they read the same URLs from their environment.
describe('processes spawned by e2e tests', () => {
  test('see the URLs of this run in TEST_POSTGRES_URL and TEST_MYSQL_URL', async () => {
    const script =
      'console.log(JSON.stringify([process.env.TEST_POSTGRES_URL ?? null, process.env.TEST_MYSQL_URL ?? null]))';
    const { stdout } = await run(process.execPath, ['-e', script]);
    expect(JSON.parse(stdout)).toEqual([urls.postgres, urls.mysql]);
  });
});
