// The real API (apps/api/dist/main.js) as a child process on a free loopback port, with one read token, so
// requests go through the same authentication, validation and serialisation as in production.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { childEnvironment } from '../config.js';
import { KeepAliveClient } from './http-client.js';
import { onInterrupt } from './interrupts.js';
import { apiMain, repoRoot, requireBuilt } from './workspace.js';

const keptOutputChars = 8_000;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningApi {
  client: KeepAliveClient;
  /** More keep-alive connections to the same API, one per concurrent writer. */
  connect(): KeepAliveClient;
  stop(): Promise<void>;
}

export interface StartApiOptions {
  /** The bench token's scopes: read for the status benchmark, read,write for ingestion. */
  scopes?: string;
  /** Extra node flags for the API process (e.g. --cpu-prof). */
  nodeArgs?: readonly string[];
  /** Extra environment for the API process. */
  env?: Record<string, string>;
}

/**
 * Starts the API on `databaseUrl` (already migrated) and resolves once /readyz answers 200.
 * LOG_LEVEL=warn: request logging is a constant cost per request and would only blur the scale comparison.
 */
export async function startApi(
  databaseUrl: string,
  storageDir: string,
  { scopes = 'read', nodeArgs = [], env = {} }: StartApiOptions = {},
): Promise<RunningApi> {
  requireBuilt(apiMain);
  const port = await freePort();
  const secret = randomBytes(24).toString('hex');
  const child = spawn(process.execPath, [...nodeArgs, apiMain], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnvironment({
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      STORAGE_DIR: storageDir,
      API_TOKENS: `bench:${scopes}:${secret}`,
      LOG_LEVEL: 'warn',
      ...env,
    }),
  });
  let tail = '';
  const output = () => tail;
  const keep = (chunk: Buffer) => (tail = (tail + chunk.toString('utf8')).slice(-keptOutputChars));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exitCode: number | string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? signal ?? 'unknown';
      resolve();
    }),
  );
  const client = new KeepAliveClient({ host: '127.0.0.1', port, token: secret });
  const connect = () => new KeepAliveClient({ host: '127.0.0.1', port, token: secret });
  /** SIGTERM (graceful shutdown), SIGKILL after 15 s. */
  const stop = async () => {
    client.close();
    if (exitCode !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited.finally(() => clearTimeout(timer));
  };
  const forget = onInterrupt(stop);
  try {
    await waitUntilReady(client, () => exitCode, output);
  } catch (error) {
    forget();
    child.kill('SIGKILL');
    throw error;
  }
  return {
    client,
    connect,
    stop: async () => {
      forget();
      await stop();
    },
  };
}

async function waitUntilReady(
  client: KeepAliveClient,
  exitCode: () => number | string | undefined,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exitCode() !== undefined)
      throw new Error(`the API exited with ${exitCode()} while starting:\n${output()}`);
    const ready = await client.get('/readyz').catch(() => null);
    if (ready?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`the API did not become ready within 60 s:\n${output()}`);
    await sleep(100);
  }
}
