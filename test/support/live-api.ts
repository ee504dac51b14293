import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { tail } from './command-runner.js';

const START_TIMEOUT_MS = 120_000;

/** The variable a README command names to reach a running API, as a reader who started one would have it. */
export const LIVE_API_VARIABLE = 'STEPTRAIL_URL';

/** Whether a block's commands call the API (`$STEPTRAIL_URL`), so the block needs one running. */
export const needsLiveApi = (commands: readonly string[]): boolean =>
  commands.some(
    (command) => command.includes(`$${LIVE_API_VARIABLE}`) || command.includes(`\${${LIVE_API_VARIABLE}`),
  );

export interface LiveApi {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts `apps/standalone` (API only: START_WORKER=false) on the block's own database and port, as `pnpm start`
 * would after a build, and waits until it is ready.
 */
export async function startLiveApi(root: string, env: NodeJS.ProcessEnv): Promise<LiveApi> {
  const url = `http://127.0.0.1:${env['PORT'] ?? ''}`;
  const child = spawn('node', ['apps/standalone/dist/main.js'], {
    cwd: root,
    env: { ...env, START_WORKER: 'false' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const stop = () => stopGroup(child);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && child.exitCode === null) {
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return { url, stop };
    await sleep(250);
  }
  await stop();
  throw new Error(`the API for this block did not become ready:\n${tail(output)}`);
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('close', resolve));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  await Promise.race([exited, sleep(20_000)]);
}
