// The real API (apps/api/dist/main.js) as a child process on a free loopback port, with one read token, so
// requests go through the same authentication, validation and serialisation as in production.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeepAliveClient } from './http-client.mjs';
import { onInterrupt } from './interrupts.mjs';
import { apiMain, repoRoot } from './workspace.mjs';

const keptOutputChars = 8_000;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the API on `databaseUrl` (already migrated) and resolves once /readyz answers 200. `scopes` are the bench
 * token's (read for the status benchmark, read,write for ingestion).
 * LOG_LEVEL=warn: request logging is a constant cost per request and would only blur the scale comparison.
 */
export async function startApi(databaseUrl, storageDir, { scopes = 'read', connections = 1 } = {}) {
  if (!existsSync(apiMain))
    throw new Error(`${apiMain} does not exist: build the API first (npx -y pnpm@10.34.8 build)`);
  const port = await freePort();
  const secret = randomBytes(24).toString('hex');
  const child = spawn(process.execPath, [apiMain], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      STORAGE_DIR: storageDir,
      API_TOKENS: `bench:${scopes}:${secret}`,
      LOG_LEVEL: 'warn',
    },
  });
  let tail = '';
  const output = () => tail;
  const keep = (chunk) => (tail = (tail + chunk.toString('utf8')).slice(-keptOutputChars));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exitCode;
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve((exitCode = code ?? signal))),
  );
  const client = new KeepAliveClient({ host: '127.0.0.1', port, token: secret });
  /** More keep-alive connections to the same API, one per concurrent writer. */
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

async function waitUntilReady(client, exitCode, output) {
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
