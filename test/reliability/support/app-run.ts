import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { appEnvironment } from '@steptrail/test-servers/app-process';

// The built apps as child processes, for the start-up and security suites: their output collected, the URL they
// listen on read from their own log line, and exits recorded.

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

export const DIST = {
  api: root('apps/api/dist/main.js'),
  worker: root('apps/worker/dist/main.js'),
  standalone: root('apps/standalone/dist/main.js'),
  migrator: root('apps/migrator/dist/main.js'),
} as const;

export type App = keyof typeof DIST;

/** Fails with what to run when the apps are not built (pnpm test:reliability builds first). */
export function assertBuilt(): void {
  const missing = Object.values(DIST).filter((path) => !existsSync(path));
  if (missing.length > 0) throw new Error(`not built: ${missing.join(', ')}; run npx turbo run build first`);
}

export class AppRun {
  stdout = '';
  stderr = '';
  exitCode: number | null | undefined = undefined;
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(app: App, env: Record<string, string>, cwd: string) {
    this.child = spawn(process.execPath, [DIST[app]], {
      cwd,
      env: appEnvironment({ LOG_LEVEL: 'info', ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString('utf8')));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code) => {
        this.exitCode = code;
        resolve(code);
      }),
    );
  }

  /** The URL of the first log line with message `message` and a `url` field (API listening, worker metrics). */
  async url(message: string): Promise<string> {
    for (;;) {
      for (const line of this.stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === message && entry.url !== undefined) return entry.url;
      }
      if (this.exitCode !== undefined) {
        throw new Error(`exited with ${this.exitCode} before '${message}'\n${this.stdout}\n${this.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Ends the process if it still runs. */
  async stop(): Promise<void> {
    if (this.exitCode === undefined) this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** Polls `read` until `done` holds for its value; the test's timeout bounds the wait. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The status of GET `url`, or 0 when nothing answered. */
export const statusOf = async (url: string, init?: RequestInit): Promise<number> =>
  fetch(url, init).then(
    async (response) => {
      await response.arrayBuffer();
      return response.status;
    },
    () => 0,
  );

/** Registers an externally processed file: a write that must reach the database. */
export async function registerFile(apiUrl: string, headers: Record<string, string> = {}): Promise<Response> {
  const name = `startup-${randomUUID()}`;
  return fetch(`${apiUrl}/api/files`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({
      originalFilename: `${name}.pdf`,
      filehash: createHash('sha256').update(name).digest('hex'),
      fileSize: 1234,
      mimeType: 'application/pdf',
    }),
  });
}

/** Applies every migration to `databaseUrl` with the built migrator. */
export async function migrate(databaseUrl: string): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    [DIST.migrator, 'schema', 'up', '--database-url', databaseUrl],
    {
      env: appEnvironment({}),
    },
  );
}
