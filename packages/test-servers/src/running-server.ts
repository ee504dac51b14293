import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerProcess } from './child-process.js';
import { freePort } from './free-port.js';

export interface RunningServer {
  /** Where tests connect: postgres://postgres@127.0.0.1:PORT/steptrail_test or mysql://root@127.0.0.1:PORT/steptrail_test. */
  readonly url: string;
  /** Shuts the server down and deletes its data directory. Safe to call twice. */
  readonly stop: () => Promise<void>;
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
export async function startOnFreePort(
  start: (port: number) => Promise<RunningServer>,
): Promise<RunningServer> {
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
