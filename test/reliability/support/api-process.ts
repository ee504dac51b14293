import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase } from '@steptrail/test-servers';
import { AppProcess } from '@steptrail/test-servers/app-process';

const STANDALONE = fileURLToPath(new URL('../../../apps/standalone/src/main.ts', import.meta.url));
const RUNNING =
  /steptrail is running \((?:API only|API and worker)\)\. Dashboard: (http:\/\/127\.0\.0\.1:\d+)\//;

export type Database = 'sqlite' | 'postgres' | 'mysql';

/**
 * An API process of its own (`pnpm start` with START_WORKER=false, unless `env` turns the worker on) on a scratch
 * database and storage directory.
 */
export interface ApiProcess {
  readonly url: string;
  readonly pid: number;
  readonly storageDir: string;
  readonly app: AppProcess;
  /** Its open file descriptors, from /proc. */
  openFds(): number;
  /** Its resident memory in MB, from /proc. */
  rssMb(): number;
  /** Files left in STORAGE_DIR/.incoming, where uploads stream before they are stored. */
  temporaryFiles(): string[];
  /** SIGTERM, then whatever is left; removes its scratch directory. */
  stop(): Promise<void>;
}

/**
 * Starts the API as a process on a fresh database: a SQLite file in its scratch directory, or a new database on
 * this run's server (`serverUrl`) named `name`. The process migrates the schema itself.
 */
export async function startApiProcess(
  database: Database,
  serverUrl: string | null,
  name: string,
  env: Record<string, string> = {},
): Promise<ApiProcess> {
  const dir = mkdtempSync(join(tmpdir(), `steptrail-rel-${database}-`));
  const storageDir = join(dir, 'storage');
  const databaseUrl =
    database === 'sqlite'
      ? `sqlite:${join(dir, 'steptrail.db')}`
      : await createDatabase(requireUrl(serverUrl, database), name);
  const app = new AppProcess(
    STANDALONE,
    {
      DATABASE_URL: databaseUrl,
      STORAGE_DIR: storageDir,
      PORT: '0',
      START_WORKER: 'false',
      LOG_LEVEL: 'warn',
      ...env,
    },
    dir,
  );
  try {
    const [, url] = await app.waitForOutput(RUNNING, 120_000);
    const { pid } = app;
    return {
      url: url!,
      pid,
      storageDir,
      app,
      openFds: () => readdirSync(`/proc/${pid}/fd`).length,
      rssMb: () =>
        Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
      temporaryFiles: () => readdirSync(join(storageDir, '.incoming')),
      async stop() {
        app.signal('SIGTERM');
        await Promise.race([app.exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
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

function requireUrl(url: string | null, database: Database): string {
  if (url === null) throw new Error(`no ${database} server in this run`);
  return url;
}
