import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppProcess } from './app-process.js';

const STANDALONE = fileURLToPath(new URL('../../../apps/standalone/src/main.ts', import.meta.url));
const RUNNING = /steptrail is running \(API only\)\. Dashboard: (http:\/\/127\.0\.0\.1:\d+)\//;

/** A token with both scopes, as a pipeline would have. */
export const TOKEN = 'pipeline-secret-0123456789';

export interface StandaloneApi {
  url: string;
  token: string;
  stop(): Promise<void>;
}

/**
 * `pnpm start` as a process, for tests of the API's callers (the client, the CLI, the guide's examples) (API only, SQLite under a scratch ./data, started from its sources), with one
 * read/write token and a short heartbeat; `extraEnv` adds to that.
 */
export async function startStandaloneApi(extraEnv: Record<string, string> = {}): Promise<StandaloneApi> {
  const dir = mkdtempSync(join(tmpdir(), 'steptrail-client-'));
  const app = new AppProcess(
    STANDALONE,
    {
      PORT: '0',
      START_WORKER: 'false',
      LOG_LEVEL: 'warn',
      API_TOKENS: `pipeline:read,write:${TOKEN}`,
      EVENTS_HEARTBEAT_MS: '500',
      ...extraEnv,
    },
    dir,
  );
  try {
    const [, url] = await app.waitForOutput(RUNNING, 120_000);
    return {
      url: url!,
      token: TOKEN,
      async stop() {
        app.signal('SIGTERM');
        await app.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
