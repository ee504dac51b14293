import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The entry points of the apps, started from their TypeScript sources. */
export const ENTRY = {
  standalone: fileURLToPath(new URL('../../src/main.ts', import.meta.url)),
  api: fileURLToPath(new URL('../../../api/src/main.ts', import.meta.url)),
  worker: fileURLToPath(new URL('../../../worker/src/main.ts', import.meta.url)),
} as const;

/** The line `pnpm start` prints once it serves: which parts run, and the dashboard's URL. */
export const RUNNING =
  /steptrail is running \((API only|API and worker)\)\. Dashboard: (http:\/\/127\.0\.0\.1:\d+)\//;

const scratchDirs: string[] = [];

/** An empty directory for one process's ./data, removed by removeScratchDirs. */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'steptrail-standalone-'));
  scratchDirs.push(dir);
  return dir;
}

export const removeScratchDirs = (): void => {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
};

/** The JSON body of a response that must have `status`; the body is shown when it has not. */
export async function jsonBody<T>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Polls `read` until `done` holds for its value; the test's timeout bounds the wait. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
