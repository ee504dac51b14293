import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase } from '@steptrail/test-servers';
import { AppProcess } from '@steptrail/test-servers/app-process';
import { backendUrls } from '@steptrail/test-servers/backend-urls';

/** The databases every reliability suite runs on, named as the summary names them. */
export type DatabaseKind = 'sqlite' | 'postgres' | 'mysql';
export const DATABASES: readonly DatabaseKind[] = ['sqlite', 'postgres', 'mysql'];

// The built entry points, as the chaos suite runs them: a start from dist takes ~2 s, from the sources ~8 s. The
// reliability project runs after a build (README).
const STANDALONE = fileURLToPath(new URL('../../../apps/standalone/dist/main.js', import.meta.url));
const MIGRATOR = fileURLToPath(new URL('../../../apps/migrator/dist/main.js', import.meta.url));

function built(entry: string): string {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build first (pnpm build)`);
  return entry;
}

const RUNNING =
  /steptrail is running \((?:API only|API and worker)\)\. Dashboard: (http:\/\/127\.0\.0\.1:\d+)\//;

/** Why a database is not available in this run (its server is missing), or null. */
export function skipReasonOf(kind: DatabaseKind): string | null {
  if (kind === 'sqlite') return null;
  return backendUrls().skipReason[kind];
}

/** A scratch database of `kind` (an empty one, not yet migrated) and a temp directory for its files. */
export interface ScratchDatabase {
  readonly kind: DatabaseKind;
  readonly url: string;
  /** Holds the SQLite file (if any) and the storage directories of the processes started on it. */
  readonly dir: string;
  remove(): void;
}

export async function scratchDatabase(kind: DatabaseKind, name: string): Promise<ScratchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), `steptrail-${name}-`));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  if (kind === 'sqlite') return { kind, url: `sqlite:${join(dir, `${name}.db`)}`, dir, remove };
  const server = kind === 'postgres' ? backendUrls().postgres : backendUrls().mysql;
  if (server === null) throw new Error(`no ${kind} server in this run: ${skipReasonOf(kind)}`);
  return { kind, url: await createDatabase(server, name), dir, remove };
}

/**
 * One API process (apps/standalone with START_WORKER=false unless `env` turns the worker on; it migrates the database
 * first).
 */
export interface ApiUnderTest {
  readonly url: string;
  readonly pid: number;
  /** Its STORAGE_DIR; uploads stream into `.incoming/` there before they are stored. */
  readonly storageDir: string;
  readonly app: AppProcess;
  /** Resolves with the exit code once the process has exited, for whatever reason. */
  readonly exited: Promise<number | null>;
  hasExited(): boolean;
  stop(): Promise<void>;
}

/**
 * Starts `pnpm start`'s process, API only, on `database` with its own storage directory under the database's
 * temp directory. Start processes sharing one database one after the other: each migrates it first.
 */
export async function startApiProcess(
  database: ScratchDatabase,
  env: Record<string, string>,
  storageDir = join(database.dir, 'storage'),
): Promise<ApiUnderTest> {
  const app = new AppProcess(
    built(STANDALONE),
    {
      DATABASE_URL: database.url,
      STORAGE_DIR: storageDir,
      PORT: '0',
      START_WORKER: 'false',
      LOG_LEVEL: 'warn',
      ...env,
    },
    database.dir,
    { built: true },
  );
  let exited = false;
  void app.exited.then(() => (exited = true));
  try {
    const [, url] = await app.waitForOutput(RUNNING, 120_000);
    return {
      url: url!,
      pid: app.pid,
      storageDir,
      app,
      exited: app.exited,
      hasExited: () => exited,
      async stop() {
        if (!exited) app.signal('SIGTERM');
        const timer = setTimeout(() => app.signal('SIGKILL'), 15_000);
        await app.exited;
        clearTimeout(timer);
      },
    };
  } catch (error) {
    app.signal('SIGKILL');
    await app.exited;
    throw error;
  }
}

/** `steptrail-migrate verify --all --json` on `databaseUrl`: its exit code and its JSON document. */
export async function verifyAll(databaseUrl: string): Promise<{ code: number | null; report: unknown }> {
  const app = new AppProcess(built(MIGRATOR), {}, process.cwd(), {
    built: true,
    args: ['verify', '--all', '--json', '--database-url', databaseUrl],
  });
  const code = await app.exited;
  const { stdout, stderr } = app;
  try {
    return { code, report: JSON.parse(stdout) as unknown };
  } catch {
    throw new Error(`verify --all printed no JSON (exit ${code})\nstdout: ${stdout}\nstderr: ${stderr}`);
  }
}

/** Open file descriptors of a process, from /proc. */
export const openFds = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;

/** Resident memory now and at its peak (VmRSS, VmHWM), in MB, from /proc. */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}
