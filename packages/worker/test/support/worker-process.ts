import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const workerRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The deployable worker (apps/worker): a thin `main.ts` over this package, started by the process tests. */
export const WORKER_MAIN = join(workerRoot, '..', '..', 'apps', 'worker', 'src', 'main.ts');
export const slowStepPlugin = join(workerRoot, 'test', 'support', 'slow-step.plugin.ts');

export interface WorkerProcess {
  readonly pid: number;
  /** Resolves with the exit code, or the signal that ended the process. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly output: () => string;
  kill(signal: NodeJS.Signals): void;
}

/**
 * The worker app's real entry point (apps/worker/src/main.ts) in a child process, run from source through tsx, with `env` as its
 * configuration on top of this process's environment.
 */
export function spawnWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--conditions=@steptrail/source', '--import', 'tsx', WORKER_MAIN], {
    cwd: workerRoot,
    env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-50_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  if (child.pid === undefined) throw new Error('the worker process did not start');
  return { pid: child.pid, exited, output: () => output, kill: (signal) => child.kill(signal) };
}

/** Polls until `path` exists; the test's timeout bounds the wait. */
export async function waitForFile(path: string, alive?: WorkerProcess): Promise<void> {
  for (;;) {
    if (
      await access(path).then(
        () => true,
        () => false,
      )
    )
      return;
    if (
      alive !== undefined &&
      (await Promise.race([alive.exited.then(() => true), Promise.resolve(false)]))
    ) {
      throw new Error(`the worker exited before ${path} appeared:\n${alive.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
