import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { DatabaseWatch } from '../src/index.js';
import { createLogger } from '../src/logger.js';

const CHILD = fileURLToPath(new URL('./support/safety-net.child.ts', import.meta.url));
// The TypeScript loader of @steptrail/test-servers (Node 20 cannot strip types), by path: no dependency on it.
const TS_REGISTER = fileURLToPath(new URL('../../test-servers/ts-loader/ts-register.mjs', import.meta.url));

function runChild(): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, ['--conditions=@steptrail/source', '--import', TS_REGISTER, CHILD], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout })));
}

const silent = createLogger({ level: 'silent', service: 'test' });

describe('the process safety net', () => {
  test('an unhandled rejection, an uncaught exception and an unheard error event are logged (with the request id when a request started them); the process lives on', async () => {
    const { code, stdout } = await runChild();
    expect(code, stdout).toBe(0);
    expect(stdout).toContain('still running');
    const logged = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; err: { message: string }; requestId?: string });
    expect(logged.map((entry) => [entry.msg, entry.err.message, entry.requestId ?? null])).toEqual(
      expect.arrayContaining([
        ['unhandled promise rejection: logged, the process carries on', 'a rejection nobody handles', null],
        ['uncaught exception: logged, the process carries on', 'an exception thrown from a timer', null],
        ['uncaught exception: logged, the process carries on', 'an error event nobody listens to', null],
        [
          'uncaught exception: logged, the process carries on',
          'an exception thrown while serving a request',
          'request-7',
        ],
        [
          'unhandled promise rejection: logged, the process carries on',
          'a rejection while serving a request',
          'request-7',
        ],
      ]),
    );
  });
});

describe('the database watch', () => {
  test('a database that stops answering is reported lost once, with the last error', async () => {
    const lost: unknown[] = [];
    const gone = new Error('connection refused');
    let resolveLost: () => void = () => undefined;
    const reported = new Promise<void>((resolve) => (resolveLost = resolve));
    const watch = new DatabaseWatch(
      () => Promise.reject(gone),
      silent,
      { lostAfterMs: 200, intervalMs: 20 },
      (_ms, error) => {
        lost.push(error);
        resolveLost();
      },
    );
    watch.start();
    await reported;
    await watch.stop();
    expect(lost).toEqual([gone]);
  });

  test('a database that answers again before the limit is never reported lost', async () => {
    let calls = 0;
    const lost: unknown[] = [];
    // Down for a few pings, then up: the outage ends long before the limit.
    const ping = () => (++calls <= 3 ? Promise.reject(new Error('down')) : Promise.resolve());
    const watch = new DatabaseWatch(ping, silent, { lostAfterMs: 60_000, intervalMs: 10 }, (_ms, error) =>
      lost.push(error),
    );
    watch.start();
    while (calls < 20) await new Promise((resolve) => setTimeout(resolve, 10));
    await watch.stop();
    expect(lost).toEqual([]);
  });
});
