import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The real entry point, as `steptrail-migrate` and `pnpm migrate` run it. */
export const MAIN = join(appDir, 'dist', 'main.js');

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds dist/ when it is missing or older than src/ (the root `pnpm test` builds everything first; this covers
 * running the e2e file on its own after an edit). Dependencies must have been built once.
 */
export function ensureBuilt(): void {
  let built = 0;
  try {
    built = statSync(MAIN).mtimeMs;
  } catch {
    built = 0;
  }
  if (built >= newestMtime(join(appDir, 'src'))) return;
  const tsc = join(appDir, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(appDir, 'tsconfig.build.json')], {
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(
      `Building the migrator failed (build the workspace first):\n${result.stdout}${result.stderr}`,
    );
}

/** Starts the CLI as a child process; `onStderrLine` sees each stderr line and may kill the child. */
export function startCli(
  args: readonly string[],
  databaseUrl: string,
  onStderrLine: (line: string, child: ChildProcess) => void = () => {},
): { child: ChildProcess; done: Promise<ChildRun> } {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onStderrLine(line, child);
  });
  const done = new Promise<ChildRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export const runChild = (args: readonly string[], databaseUrl: string): Promise<ChildRun> =>
  startCli(args, databaseUrl).done;
