import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SteptrailClient } from '@steptrail/client';
import { TS_REGISTER } from '@steptrail/test-servers/app-process';
import { startStandaloneApi, type StandaloneApi } from '@steptrail/test-servers/standalone-api';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// The `steptrail` command as a process (from its sources) against `pnpm start` on SQLite: what it prints and the
// exit codes 0 (done), 1 (the API refused) and 2 (usage, or no API).

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let api: StandaloneApi;
let client: SteptrailClient;

/** Runs the CLI; `whileRunning` acts while it runs (then the CLI gets SIGINT), for --follow and watch. */
function steptrail(
  args: string[],
  whileRunning?: (output: () => string) => Promise<void>,
  cwd?: string,
): Promise<Run> {
  const child = spawn(
    process.execPath,
    ['--conditions=@steptrail/source', '--import', TS_REGISTER, MAIN, ...args],
    {
      env: { PATH: process.env['PATH'] ?? '', STEPTRAIL_URL: api.url, STEPTRAIL_TOKEN: api.token },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(cwd === undefined ? {} : { cwd }),
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (whileRunning !== undefined) {
    void whileRunning(() => stdout).finally(() => child.kill('SIGINT'));
  }
  return exited.then((code) => ({ code, stdout, stderr }));
}

async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function newFile(name: string): Promise<number> {
  const unique = `${name}-${Date.now()}-${Math.random()}`;
  const created = await client.registerFile({
    originalFilename: name,
    filehash: createHash('sha256').update(unique).digest('hex'),
    fileSize: 10,
  });
  return created.file.id;
}

beforeAll(async () => {
  api = await startStandaloneApi();
  client = new SteptrailClient({ url: api.url, token: api.token });
});
afterAll(async () => {
  await client?.close();
  await api?.stop();
});

describe('steptrail (the CLI) against a live API', () => {
  test('files lists files in a table, filters by status, and gives JSON with --json', async () => {
    const failed = await newFile('broken-scan.pdf');
    await client.step(failed, 'hash_file').fail(new Error('disk full'));
    const table = await steptrail(['files']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/\| ID\s+\| File\s+\| Status/);
    expect(table.stdout).toMatch(new RegExp(`\\| ${failed}\\s+\\| broken-scan\\.pdf\\s+\\| failed`));
    const json = await steptrail(['files', '--status', 'failed', '--q', 'broken', '--json']);
    expect(json.code).toBe(0);
    const page = JSON.parse(json.stdout) as { items: Array<{ id: number; status: string }> };
    expect(page.items.map((item) => item.id)).toContain(failed);
    expect(page.items.every((item) => item.status === 'failed')).toBe(true);
  });

  test('show prints the steps with durations and errors; an unknown file exits 1, a bad id 2', async () => {
    const id = await newFile('durations.pdf');
    const start = new Date('2026-01-01T10:00:00Z');
    await client.recordEvent(id, {
      stepName: 'hash_file',
      status: 'in_progress',
      occurredAt: start.toISOString(),
    });
    await client.recordEvent(id, {
      stepName: 'hash_file',
      status: 'success',
      occurredAt: new Date(start.getTime() + 12_300).toISOString(),
    });
    await client.step(id, 'extract_text').fail(new Error('OCR engine crashed'));
    const shown = await steptrail(['show', String(id)]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`File ${id}: durations.pdf`);
    expect(shown.stdout).toMatch(/\| hash_file\s+\| success\s+\| 1\s+\| 2026-01-01 10:00:00 \| 12\.3 s\s+\|/);
    expect(shown.stdout).toMatch(/\| extract_text\s+\| failure .*OCR engine crashed/);
    const missing = await steptrail(['show', '2000000000']);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toContain('404 FILE_NOT_FOUND');
    expect((await steptrail(['show', 'twelve'])).code).toBe(2);
  });

  test('logs prints the history; --follow prints new rows as they happen and stops on Ctrl-C with 0', async () => {
    const id = await newFile('followed.pdf');
    await client.step(id, 'hash_file').start('hashing');
    const history = await steptrail(['logs', String(id)]);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/\| hash_file\s+\| in_progress \| hashing/);
    const followed = await steptrail(['logs', String(id), '--follow'], async (output) => {
      await until(() => output().includes('hashing'));
      await client.step(id, 'hash_file').succeed('hashed while followed');
      await until(() => output().includes('hashed while followed'));
    });
    expect(followed.code).toBe(0);
    const lines = followed.stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(new RegExp(`file ${id}  hash_file  success  hashed while followed$`));
    expect(lines.filter((line) => line.includes('hashing'))).toHaveLength(1);
  });

  test('retry re-queues the failed steps and says which', async () => {
    const id = await newFile('retried.pdf');
    await client.step(id, 'extract_text').fail(new Error('timeout'));
    const retried = await steptrail(['retry', String(id)]);
    expect(retried).toMatchObject({ code: 0, stdout: `File ${id}: re-queued extract_text.\n` });
    const again = await steptrail(['retry', String(id), '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ retried: [] });
  });

  test('watch --json prints the live stream as JSON lines until Ctrl-C', async () => {
    const id = await newFile('watched.pdf');
    const watched = await steptrail(['watch', '--json'], async (output) => {
      await until(() => output().includes('"event":"ready"'));
      await client.step(id, 'hash_file').start();
      await until(() => output().includes(`"fileId":${id},"deleted":false`));
    });
    expect(watched.code).toBe(0);
    const events = watched.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; data: { fileId?: number } });
    expect(events.filter((event) => event.data.fileId === id).map((event) => event.event)).toEqual([
      'step',
      'file',
    ]);
  });

  test('download saves the original under its offered name, never over a file, or to stdout with -o -', async () => {
    const content = `plain text ${Date.now()} ${Math.random()}`;
    const form = new FormData();
    form.set('file', new Blob([content], { type: 'text/plain' }), 'Notiz März.txt');
    const uploaded = await fetch(`${api.url}/api/files`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${api.token}` },
    });
    expect(uploaded.status).toBe(201);
    const id = ((await uploaded.json()) as { file: { id: number } }).file.id;
    const dir = mkdtempSync(join(tmpdir(), 'steptrail-cli-download-'));
    try {
      const saved = await steptrail(['download', String(id)], undefined, dir);
      expect(saved.code).toBe(0);
      expect(saved.stdout).toContain(`File ${id}: saved the original as ${join(dir, 'Notiz März.txt')}`);
      expect(readFileSync(join(dir, 'Notiz März.txt'), 'utf8')).toBe(content);
      const again = await steptrail(['download', String(id)], undefined, dir);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('exists; pass --force to replace it');
      expect((await steptrail(['download', String(id), '--force'], undefined, dir)).code).toBe(0);
      const piped = await steptrail(['download', String(id), '-o', '-']);
      expect(piped).toMatchObject({ code: 0, stdout: content });
      const json = await steptrail(['download', String(id), '-o', join(dir, 'copy.txt'), '--json']);
      expect(JSON.parse(json.stdout)).toMatchObject({ fileId: id, kind: 'original', name: 'Notiz März.txt' });
      expect(readFileSync(join(dir, 'copy.txt'), 'utf8')).toBe(content);
      const none = await steptrail(['download', String(id), '--processed'], undefined, dir);
      expect(none.code).toBe(1);
      expect(none.stderr).toContain('(404 CONTENT_NOT_FOUND)');
      expect(readdirSync(dir).sort()).toEqual(['Notiz März.txt', 'copy.txt']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a wrong token exits 1; an API that is not there, or a wrong URL, exits 2', async () => {
    const refused = await steptrail(['files', '--token', 'not-a-token-of-this-api']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('401');
    const absent = await steptrail(['files', '--url', 'http://127.0.0.1:1']);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toContain('could not be reached');
    expect((await steptrail(['files', '--url', 'ftp://example'])).code).toBe(2);
    expect((await steptrail(['nonsense'])).code).toBe(2);
  });
});
