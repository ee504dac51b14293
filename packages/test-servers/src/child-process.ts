import { spawn, type ChildProcess } from 'node:child_process';

export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

export interface SpawnOptions {
  readonly cwd: string;
  /** Set when we are root: database servers refuse to run as root, and should not need to. */
  readonly runAs: RunAs | null;
}

// Enough of a server's log to explain why it did not start, without keeping a chatty one in memory.
const keptOutputChars = 16_000;

/** Runs a setup command (initdb, mariadb-install-db) to completion; a failure throws with its output. */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { readonly timeoutMs: number },
): Promise<void> {
  const child = startChild(command, args, options);
  const timer = setTimeout(() => child.process.kill('SIGKILL'), options.timeoutMs);
  const code = await child.exited.finally(() => clearTimeout(timer));
  if (code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${code ?? 'a signal'}:\n${child.output()}`);
  }
}

/** Runs a probe command (pg_isready) and tells whether it exited with 0. */
export async function commandSucceeds(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
): Promise<boolean> {
  return (await startChild(command, args, options).exited) === 0;
}

export interface ServerProcess {
  readonly pid: number;
  /** Resolves with the exit code (null when ended by a signal) once the process is gone. */
  readonly exited: Promise<number | null>;
  readonly hasExited: () => boolean;
  /** The tail of what the process printed, for error messages. */
  readonly output: () => string;
  /** Sends `signal`, then SIGKILL if the process is still there after `timeoutMs`. */
  readonly stop: (signal: NodeJS.Signals, timeoutMs: number) => Promise<void>;
}

/** Starts a long-running server process in the foreground of our process tree, so we always know its pid. */
export function spawnServer(command: string, args: readonly string[], options: SpawnOptions): ServerProcess {
  const child = startChild(command, args, options);
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  const pid = child.process.pid;
  if (pid === undefined) throw new Error(`could not start ${command}:\n${child.output()}`);
  return {
    pid,
    exited: child.exited,
    hasExited: () => exited,
    output: child.output,
    stop: async (signal, timeoutMs) => {
      if (exited) return;
      child.process.kill(signal);
      const timer = setTimeout(() => child.process.kill('SIGKILL'), timeoutMs);
      await child.exited.finally(() => clearTimeout(timer));
    },
  };
}

interface StartedChild {
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly output: () => string;
}

function startChild(command: string, args: readonly string[], options: SpawnOptions): StartedChild {
  const child = spawn(command, args, {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.runAs === null ? {} : { uid: options.runAs.uid, gid: options.runAs.gid }),
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-keptOutputChars);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    // 'error' covers a binary that cannot be executed; 'close' waits for the pipes so no output is lost.
    child.once('error', (error) => {
      keep(Buffer.from(`${error.message}\n`));
      resolve(-1);
    });
    child.once('close', (code) => resolve(code));
  });
  return { process: child, exited, output: () => output };
}
