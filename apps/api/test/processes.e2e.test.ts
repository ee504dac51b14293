import { afterAll, describe, expect, test } from 'vitest';
import { AppProcess, apiSource } from './support/app-process.js';
import { removeScratchDirs, scratchDir } from './support/api-harness.js';
import { expectJson } from './support/http.js';

afterAll(removeScratchDirs);

const RUNNING =
  /steptrail is running \((API only|API and worker)\)\. Dashboard: (http:\/\/127\.0\.0\.1:\d+)\//;

async function uploadText(url: string, content: string): Promise<number> {
  const form = new FormData();
  form.set('file', new Blob([content], { type: 'text/plain' }), 'note.txt');
  const created = await expectJson<{ file: { id: number } }>(
    await fetch(`${url}/api/files`, { method: 'POST', body: form }),
    201,
  );
  return created.file.id;
}

describe('the API as a process', () => {
  test('refuses to start on a non-loopback HOST without tokens, listing every problem', async () => {
    const app = new AppProcess(apiSource('main.ts'), { HOST: '0.0.0.0', PORT: 'x' }, scratchDir());
    expect(await app.exited).toBe(2);
    expect(app.stderr).toContain('Invalid configuration:');
    expect(app.stderr).toMatch(
      /- API_TOKENS: is required when HOST \(0\.0\.0\.0\) is not a loopback address/,
    );
    expect(app.stderr).toMatch(/- PORT: /);
    expect(app.stderr).not.toMatch(/\n\s+at /);
  });

  test('`pnpm start` migrates a new SQLite database, serves the dashboard URL it prints, and stops on SIGTERM', async () => {
    const cwd = scratchDir();
    const app = new AppProcess(
      apiSource('start.ts'),
      { PORT: '0', START_WORKER: 'false', LOG_LEVEL: 'warn' },
      cwd,
    );
    try {
      const [, mode, url] = await app.waitForOutput(RUNNING);
      expect(mode).toBe('API only');
      expect(await expectJson(await fetch(`${url}/readyz`), 200)).toEqual({
        status: 'ready',
        database: 'sqlite',
      });
      expect((await fetch(`${url}/`)).headers.get('content-type')).toContain('text/html');
      const id = await uploadText(url!, 'stored in ./data/storage');
      expect(await expectJson(await fetch(`${url}/api/files/${id}/status`), 200)).toMatchObject({
        status: 'pending',
      });
      app.signal('SIGTERM');
      expect(await app.exited).toBe(0);
    } finally {
      await app.stop();
    }
  });

  test('`pnpm start` runs the worker in the same process: an upload is processed', async () => {
    const cwd = scratchDir();
    const app = new AppProcess(apiSource('start.ts'), { PORT: '0', LOG_LEVEL: 'warn' }, cwd);
    try {
      const [, mode, url] = await app.waitForOutput(RUNNING);
      expect(mode).toBe('API and worker');
      const id = await uploadText(url!, 'plain text the worker can hash');
      const deadline = Date.now() + 60_000;
      let step: { status: string } | undefined;
      while (step?.status !== 'success' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        step = (
          await expectJson<{ steps: Record<string, { status: string }> }>(
            await fetch(`${url}/api/files/${id}/steps`),
            200,
          )
        ).steps['hash_file'];
      }
      expect(step?.status).toBe('success');
      app.signal('SIGTERM');
      expect(await app.exited).toBe(0);
    } finally {
      await app.stop();
    }
  });
});
