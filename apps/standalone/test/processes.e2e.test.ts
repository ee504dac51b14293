import { AppProcess } from '@steptrail/test-servers/app-process';
import { afterAll, describe, expect, test } from 'vitest';
import { ENTRY, RUNNING, eventually, jsonBody, removeScratchDirs, scratchDir } from './support/standalone.js';

afterAll(removeScratchDirs);

async function uploadText(url: string, content: string): Promise<number> {
  const form = new FormData();
  form.set('file', new Blob([content], { type: 'text/plain' }), 'note.txt');
  const created = await jsonBody<{ file: { id: number } }>(
    await fetch(`${url}/api/files`, { method: 'POST', body: form }),
    201,
  );
  return created.file.id;
}

const jsonLines = (output: string): Array<Record<string, unknown>> =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('`pnpm start` (the all-in-one app) as a process', () => {
  test('migrates a new SQLite database under ./data, serves the dashboard URL it prints, and stops on SIGTERM', async () => {
    const app = new AppProcess(
      ENTRY.standalone,
      { PORT: '0', START_WORKER: 'false', LOG_LEVEL: 'warn' },
      scratchDir(),
    );
    try {
      const [, mode, url] = await app.waitForOutput(RUNNING);
      expect(mode).toBe('API only');
      expect(await jsonBody(await fetch(`${url}/readyz`), 200)).toEqual({
        status: 'ready',
        database: 'sqlite',
      });
      expect((await fetch(`${url}/`)).headers.get('content-type')).toContain('text/html');
      const id = await uploadText(url!, 'stored in ./data/storage');
      expect(await jsonBody(await fetch(`${url}/api/files/${id}/status`), 200)).toMatchObject({
        status: 'pending',
      });
      app.signal('SIGTERM');
      expect(await app.exited).toBe(0);
    } finally {
      await app.stop();
    }
  });

  test('runs the worker in the same process on the same store, and both parts write one log format', async () => {
    const app = new AppProcess(ENTRY.standalone, { PORT: '0', LOG_LEVEL: 'debug' }, scratchDir());
    try {
      const [, mode, url] = await app.waitForOutput(RUNNING);
      expect(mode).toBe('API and worker');
      const id = await uploadText(url!, 'plain text the worker can hash');
      const steps = await eventually(
        async () =>
          jsonBody<{ steps: Record<string, { status: string }> }>(
            await fetch(`${url}/api/files/${id}/steps`),
            200,
          ),
        (read) => read.steps['hash_file']?.status === 'success',
      );
      expect(steps.steps['hash_file']?.status).toBe('success');
      app.signal('SIGTERM');
      expect(await app.exited).toBe(0);
      const lines = jsonLines(app.stdout);
      const parts = new Set(lines.map((line) => line['app']));
      expect(parts).toEqual(new Set(['api', 'worker', undefined]));
      for (const line of lines) {
        expect(line['service']).toBe('steptrail');
        expect(typeof line['level']).toBe('number');
        expect(typeof line['msg']).toBe('string');
        expect(typeof line['time']).toBe('string');
      }
      const started = lines.find((line) => line['msg'] === 'worker started');
      expect(started?.['app']).toBe('worker');
      expect(typeof started?.['workerId']).toBe('string');
    } finally {
      await app.stop();
    }
  });
});
