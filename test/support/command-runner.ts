import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A sign in a command's output that it is a service that started and now waits (an API, a worker), and how to
 * check that it really works before it is stopped.
 */
export interface ReadySign {
  name: string;
  pattern: RegExp;
  /** Throws when the running service does not do its job; `running` says whether it is still up. */
  check(running: () => boolean): Promise<void>;
}

export type CommandOutcome =
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null; output: string }
  | { kind: 'service'; sign: string; problem: string | null; output: string }
  | { kind: 'timeout'; output: string };

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signs: readonly ReadySign[];
}

const STOP_GRACE_MS = 20_000;

/**
 * Runs a shell command line as written (bash, in its own process group). A command that prints a ready sign is
 * checked, then stopped with SIGTERM (SIGKILL after a grace period); any other command must end by itself.
 */
export function runCommand(script: string, options: RunOptions): Promise<CommandOutcome> {
  const child = spawn('bash', ['-c', script], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let settled = false;
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      ended = true;
      resolve({ code, signal });
    }),
  );
  const stopGroup = async () => {
    signalGroup(child.pid, 'SIGTERM');
    const stopped = await Promise.race([exited, sleep(STOP_GRACE_MS, null)]);
    if (stopped === null) signalGroup(child.pid, 'SIGKILL');
    await exited;
  };

  return new Promise<CommandOutcome>((resolve) => {
    const finish = (outcome: CommandOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      void stopGroup().then(() => finish({ kind: 'timeout', output }));
    }, options.timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const sign = options.signs.find((candidate) => candidate.pattern.test(output));
      if (sign === undefined || settled) return;
      settled = true;
      clearTimeout(timer);
      void checkThenStop(sign, () => !ended, stopGroup).then((problem) =>
        resolve({ kind: 'service', sign: sign.name, problem, output }),
      );
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(({ code, signal }) => finish({ kind: 'exited', code, signal, output }));
  });
}

async function checkThenStop(
  sign: ReadySign,
  running: () => boolean,
  stop: () => Promise<void>,
): Promise<string | null> {
  try {
    await sign.check(running);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await stop();
  }
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

/** The last lines of a command's output, enough to see why it failed. */
export function tail(output: string, lines = 60): string {
  const all = output.trimEnd().split('\n');
  return (all.length > lines ? ['…', ...all.slice(-lines)] : all).join('\n');
}
