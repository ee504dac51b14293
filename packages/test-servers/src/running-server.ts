import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerProcess } from './child-process.js';
import { freePort } from './free-port.js';

export interface RunningServer {
  /** Where tests connect: postgres://postgres@127.0.0.1:PORT/steptrail_test or mysql://root@127.0.0.1:PORT/steptrail_test. */
  readonly url: string;
  /** Shuts the server down and deletes its data directory. Safe to call twice. */
  readonly stop: () => Promise<void>;
}

/** A server a test may also restart, as an operator would: a clean stop, then a start on the same data and port. */
export interface RestartableServer extends RunningServer {
  /** Shuts the server down cleanly (nothing committed is lost) and keeps its data directory and port. */
  readonly halt: () => Promise<void>;
  /** Starts it again on the same data directory and port; resolves once it accepts connections. */
  readonly resume: () => Promise<void>;
}

/** One start of a server process, and how to forget it in the exit hook once it has stopped. */
export interface Launched {
  readonly server: ServerProcess;
  readonly forget: () => void;
}

/**
 * The RunningServer of a started server that `launch` can start again: `halt` stops it with `cleanSignal`
 * (its normal shutdown) and keeps `dataDir`; `stop` stops whatever runs and deletes `dataDir`.
 */
export function restartable(
  url: string,
  first: Launched,
  launch: () => Promise<Launched>,
  cleanSignal: NodeJS.Signals,
  dataDir: string,
): RestartableServer {
  let current: Launched | null = first;
  const halt = async (): Promise<void> => {
    if (current === null) return;
    const { server, forget } = current;
    current = null;
    await server.stop(cleanSignal, 30_000);
    forget();
  };
  return {
    url,
    halt,
    resume: async () => {
      if (current !== null) throw new Error(`the server at ${url} is running already`);
      current = await launch();
    },
    stop: async () => {
      await halt();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Polls `isReady` until it says yes. Stops early with the server's own log when the process dies, which is
 * how a bad flag or a taken port shows up.
 */
export async function waitUntilReady(
  server: ServerProcess,
  isReady: () => Promise<boolean>,
  what: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.hasExited()) throw new Error(`${what} exited while starting:\n${server.output()}`);
    if (await isReady()) return;
    await sleep(100);
  }
  throw new Error(`${what} did not accept connections within ${timeoutMs} ms:\n${server.output()}`);
}

const portTaken = /address already in use|could not create any TCP\/IP sockets|do you already have another/i;

/** Starts a server on a fresh port, again with a new port when another process grabbed the first one. */
export async function startOnFreePort<Server extends RunningServer>(
  start: (port: number) => Promise<Server>,
): Promise<Server> {
  const attempts = 3;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (attempt >= attempts || !(error instanceof Error) || !portTaken.test(error.message)) throw error;
    }
  }
}

interface Abandoned {
  readonly server: ServerProcess;
  readonly signal: NodeJS.Signals;
  readonly dataDir: string;
}

const abandoned = new Set<Abandoned>();

/**
 * Remembers a started server until stop() runs. If the test process exits without tearing down (a crash,
 * process.exit in a reporter), the 'exit' hook still signals the server and removes its data directory,
 * so no orphaned database keeps a port and a temp folder. Returns the function that forgets it.
 */
export function stopOnExit(server: ServerProcess, signal: NodeJS.Signals, dataDir: string): () => void {
  if (abandoned.size === 0) process.once('exit', stopAbandoned);
  const entry = { server, signal, dataDir };
  abandoned.add(entry);
  return () => {
    abandoned.delete(entry);
    if (abandoned.size === 0) process.removeListener('exit', stopAbandoned);
  };
}

function stopAbandoned(): void {
  // Only synchronous work is possible in an 'exit' handler: signal and delete, without waiting.
  for (const { server, signal, dataDir } of abandoned) {
    try {
      process.kill(server.pid, signal);
    } catch {
      // Already gone.
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
  abandoned.clear();
}
