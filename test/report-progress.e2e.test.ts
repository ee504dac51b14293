import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SteptrailClient } from '@steptrail/client';
import { TS_REGISTER } from '@steptrail/test-servers/app-process';
import { startStandaloneApi, type StandaloneApi } from '@steptrail/test-servers/standalone-api';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// Every example of docs/report-progress.md runs as written against `pnpm start` as a process on SQLite (with a
// token), and the test reads back through the API what it reported.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const GUIDE = readFileSync(join(ROOT, 'docs/report-progress.md'), 'utf8');
const blocks = (language: string): string[] =>
  [...GUIDE.matchAll(new RegExp('^```' + language + '\\n([\\s\\S]*?)^```$', 'gm'))].map((match) => match[1]!);
const run = promisify(execFile);

let api: StandaloneApi;
let client: SteptrailClient;
// Inside test/, so the TypeScript example resolves @steptrail/client as a project of this repository would.
const scratch = mkdtempSync(join(ROOT, 'test', '.guide-'));

beforeAll(async () => {
  api = await startStandaloneApi();
  client = new SteptrailClient({ url: api.url, token: api.token });
});
afterAll(async () => {
  await client?.close();
  await api?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const env = () => ({ PATH: process.env['PATH'] ?? '', STEPTRAIL_URL: api.url, STEPTRAIL_TOKEN: api.token });
const statuses = async (fileId: number) =>
  Object.fromEntries(
    Object.entries((await client.getSteps(fileId)).steps)
      .filter(([, step]) => step.status !== 'pending')
      .map(([name, step]) => [name, step.status]),
  );

describe('docs/report-progress.md against a live API', () => {
  test('has one curl, one TypeScript and two Python examples', () => {
    expect([blocks('sh').length, blocks('ts').length, blocks('python').length]).toEqual([1, 1, 2]);
  });

  test('the curl example registers file 1 and reports its steps, a batch included', async () => {
    await run('bash', ['-euo', 'pipefail', '-c', blocks('sh')[0]!], { env: env() });
    expect(await statuses(1)).toEqual({ hash_file: 'success', extract_text: 'failure' });
    const rows = (await client.getLogs(1)).items.filter((row) => row.stepName !== null);
    expect(rows.map((row) => `${row.stepName} ${row.status}`)).toEqual([
      'hash_file in_progress',
      'hash_file success',
      'extract_text in_progress',
      'extract_text failure',
    ]);
  });

  test('the TypeScript example reports with step helpers and flushes its queued events on close', async () => {
    const file = join(scratch, 'report.ts');
    writeFileSync(file, blocks('ts')[0]!);
    const { stdout } = await run(
      process.execPath,
      ['--conditions=@steptrail/source', '--import', TS_REGISTER, file],
      { env: env() },
    );
    const id = Number(/^file (\d+) is failed$/m.exec(stdout)?.[1]);
    expect(await statuses(id)).toEqual({
      hash_file: 'success',
      extract_text: 'failure',
      ocr_page: 'success',
    });
    const pages = (await client.getLogs(id)).items.filter((row) => row.stepName === 'ocr_page');
    expect(pages.map((row) => row.message)).toEqual(['page 1', 'page 2', 'page 3']);
  });

  test('the Python example (urllib only) and the Celery-style decorator report start, success and failure', async () => {
    const [plain, celery] = blocks('python');
    const first = await run('python3', ['-c', plain!], { env: env() });
    const [, fileId, overall] = /^file (\d+): hash_file success, file (\w+)$/m.exec(first.stdout) ?? [];
    const id = Number(fileId);
    expect(await statuses(id)).toEqual({ hash_file: 'success' });
    expect((await client.getFile(id)).status.status).toBe(overall);
    const second = await run('python3', ['-c', `${plain!}\n${celery!}`], { env: env() });
    expect(second.stdout).toContain("'extract_text': 'success', 'extract_metadata_with_gpt': 'failure'");
    const next = id + 1;
    expect(await statuses(next)).toEqual({
      hash_file: 'success',
      extract_text: 'success',
      extract_metadata_with_gpt: 'failure',
    });
    const failure = (await client.getSteps(next)).steps['extract_metadata_with_gpt'];
    expect(failure?.errorMessage).toBe('the model answered no JSON');
  });
});
