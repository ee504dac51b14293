import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort, type RestartableServer } from '@steptrail/test-servers';
import { ApiPool } from './api-pool.js';
import { ChaosProcess, ENTRY, FleetRecords, assertBuilt, type ExitRecord } from './fleet.js';
import { judge, type Verdict } from './final-state.js';
import { planFiles } from './plan.js';
import { SeededRandom } from './random.js';
import { Reporter } from './reporter.js';
import { Uploader } from './uploader.js';

const run = promisify(execFile);

export interface ChaosSettings {
  /** `sqlite` runs one all-in-one process; the others run `workers` workers and `apis` API processes. */
  readonly database: 'sqlite' | 'postgres' | 'mysql';
  /** For PostgreSQL and MariaDB: the private server the run restarts once. */
  readonly server: RestartableServer | null;
  readonly files: number;
  readonly workers: number;
  readonly apis: number;
  /** Kills go on at least this long, and until every file is uploaded. */
  readonly minChaosMs: number;
  readonly killEveryMs: readonly [number, number];
  readonly pauseMs: readonly [number, number];
  /** How long the database server stays down in its one restart. */
  readonly databaseDownMs: number;
  /** Bound on the wait for every file to finish after the last kill. */
  readonly settleTimeoutMs: number;
  readonly seed: number;
  readonly log: (line: string) => void;
}

export interface ChaosResult {
  readonly verdict: Verdict;
  readonly uploaded: number;
  readonly kills: number;
  readonly restarts: number;
  readonly databaseRestarts: number;
  readonly unexpectedExits: readonly ExitRecord[];
  /** Documented exits for a database unreachable past DATABASE_LOST_AFTER_MS: allowed, restarted, counted. */
  readonly databaseLostExits: readonly ExitRecord[];
  /** Exits on the final SIGTERM that were not 0. */
  readonly badStops: readonly ExitRecord[];
  readonly settleMs: number;
  readonly verify: { code: number; output: string };
  readonly lostAnswers: number;
  readonly serverErrors: string;
}

/** Short windows, so the run settles soon after the last kill (docs/architecture.md#work-claiming, #stalls). */
export const LEASE_MS = 3_000;
export const STALL_WINDOW_MS = 3_000;
const SWEEP_MS = 1_000;
/** Longer than any database downtime of the run: a process must ride out the restart, not exit. */
const DATABASE_LOST_AFTER_MS = 120_000;

function workerEnv(databaseUrl: string, dirs: Dirs, workerId: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    WORKER_ID: workerId,
    WORKER_CONCURRENCY: '4',
    LEASE_MS: String(LEASE_MS),
    POLL_INTERVAL_MS: '100',
    RETRY_BASE_MS: '200',
    RETRY_MAX_MS: '2000',
    SHUTDOWN_GRACE_MS: '3000',
    STORAGE_DIR: dirs.storage,
    PROCESSED_DIR: dirs.processed,
    SCRATCH_DIR: dirs.scratch,
    OCR_ENABLED: 'false',
    LOG_LEVEL: 'debug',
    DATABASE_LOST_AFTER_MS: String(DATABASE_LOST_AFTER_MS),
  };
}

function apiEnv(databaseUrl: string, dirs: Dirs, port: number): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    STORAGE_DIR: dirs.storage,
    LOG_LEVEL: 'warn',
    COUNTS_MAX_AGE_MS: '0',
    STALL_WINDOW_MS: String(STALL_WINDOW_MS),
    STALL_SWEEP_INTERVAL_MS: String(SWEEP_MS),
    UNCLAIMED_AFTER_MS: '60000',
    SHUTDOWN_TIMEOUT_MS: '3000',
    DATABASE_LOST_AFTER_MS: String(DATABASE_LOST_AFTER_MS),
  };
}

interface Dirs {
  root: string;
  storage: string;
  processed: string;
  scratch: string;
  cwd: string;
}

function makeDirs(): Dirs {
  const root = mkdtempSync(join(tmpdir(), 'steptrail-chaos-'));
  const dirs = {
    root,
    storage: join(root, 'storage'),
    processed: join(root, 'processed'),
    scratch: join(root, 'scratch'),
    cwd: join(root, 'cwd'),
  };
  for (const dir of [dirs.storage, dirs.processed, dirs.scratch, dirs.cwd])
    mkdirSync(dir, { recursive: true });
  return dirs;
}

/** The whole run on one database: start, upload and report under kills and a restart, settle, judge, stop, verify. */
export async function runChaos(settings: ChaosSettings): Promise<ChaosResult> {
  assertBuilt();
  const dirs = makeDirs();
  const records = new FleetRecords();
  const processes: ChaosProcess[] = [];
  const runTag = `c${settings.seed.toString(36)}`;
  let reporter: Reporter | null = null;
  try {
    const databaseUrl =
      settings.server === null ? `sqlite:${join(dirs.root, 'steptrail.db')}` : settings.server.url;
    if (settings.server !== null) await migrate(databaseUrl);
    const apiUrls: string[] = [];
    if (settings.database === 'sqlite') {
      const port = await freePort();
      apiUrls.push(`http://127.0.0.1:${port}`);
      processes.push(
        new ChaosProcess(
          'standalone',
          ENTRY.standalone,
          (workerId) => ({
            ...workerEnv(databaseUrl, dirs, workerId),
            ...apiEnv(databaseUrl, dirs, port),
            LOG_LEVEL: 'debug',
          }),
          dirs.cwd,
          records,
          /steptrail is running/,
        ),
      );
    } else {
      for (let index = 1; index <= settings.apis; index += 1) {
        const port = await freePort();
        apiUrls.push(`http://127.0.0.1:${port}`);
        processes.push(
          new ChaosProcess(
            `api-${index}`,
            ENTRY.api,
            () => apiEnv(databaseUrl, dirs, port),
            dirs.cwd,
            records,
            () => isReady(`http://127.0.0.1:${port}`),
          ),
        );
      }
      for (let index = 1; index <= settings.workers; index += 1) {
        processes.push(
          new ChaosProcess(
            `worker-${index}`,
            ENTRY.worker,
            (workerId) => workerEnv(databaseUrl, dirs, workerId),
            dirs.cwd,
            records,
            /"msg":"worker started"/,
          ),
        );
      }
    }
    for (const process of processes) process.start();
    await Promise.all(processes.map((process) => process.ready(90_000)));
    settings.log(`${processes.length} processes up: ${apiUrls.join(', ')}`);

    const pool = new ApiPool(apiUrls, new SeededRandom(settings.seed + 1));
    const uploader = new Uploader(pool);
    reporter = new Reporter(pool, runTag);
    reporter.start();
    const plans = planFiles(settings.files, runTag, settings.seed + 2);
    const started = Date.now();
    const uploadWindowMs = Math.max(1_000, settings.minChaosMs * 0.6);
    const uploadDeadline = started + settings.minChaosMs + settings.settleTimeoutMs;
    const uploads = uploadAll(plans, uploader, reporter, uploadWindowMs, uploadDeadline);
    let uploadsDone = false;
    void uploads.finally(() => (uploadsDone = true)).catch(() => undefined);

    const chaos = await makeChaos(settings, processes, () => uploadsDone, started);
    await uploads;
    const lastKillAt = chaos.lastKillAt;
    settings.log(
      `chaos over: ${chaos.kills} kills, ${chaos.databaseRestarts} database restarts; ${uploader.ids.size} files uploaded`,
    );
    await reporter.drain(Date.now() + settings.settleTimeoutMs);

    const settleDeadline = Date.now() + settings.settleTimeoutMs;
    const settledAt = await waitSettled(pool, uploader.ids.size, settleDeadline);
    // A quiet period of a lease and a stall window: nothing may change once everything looked finished.
    await sleep(Math.max(LEASE_MS, STALL_WINDOW_MS) + 2 * SWEEP_MS);
    const expected = {
      uploads: uploader.ids,
      corruptNames: new Set(plans.filter((plan) => plan.file.corrupt).map((plan) => plan.file.name)),
      accepted: reporter.accepted,
      abandoned: reporter.abandoned,
      workerReports: records.workerReports,
    };
    // About three reads per file: allow for the full size on a busy machine.
    const verdict = await judge(pool, expected, Date.now() + Math.max(120_000, settings.files * 600));
    if (reporter.refused.length > 0)
      verdict.other.push(...reporter.refused.map((line) => `refused: ${line}`));
    if (settledAt === null) verdict.stuck.unshift('the files did not settle before the deadline');

    const stopsBefore = records.exits.length;
    await Promise.all(processes.map((process) => process.stop(20_000)));
    const badStops = records.exits
      .slice(stopsBefore)
      .filter((exit) => exit.cause === 'stopped' && exit.code !== 0);
    const verify = await verifyAll(databaseUrl);
    return {
      verdict,
      uploaded: uploader.ids.size,
      kills: chaos.kills,
      // Every kill and every unexpected exit is followed by a start; the database restart counts too.
      restarts:
        chaos.kills +
        records.unexpectedExits().length +
        records.databaseLostExits().length +
        chaos.databaseRestarts,
      databaseRestarts: chaos.databaseRestarts,
      unexpectedExits: records.unexpectedExits(),
      databaseLostExits: records.databaseLostExits(),
      badStops,
      settleMs: settledAt === null ? -1 : Math.max(0, settledAt - lastKillAt),
      verify,
      lostAnswers: uploader.lostAnswers,
      serverErrors: [...pool.serverErrors].map(([status, count]) => `${count}×${status}`).join(' ') || 'none',
    };
  } finally {
    await reporter?.abandonAll();
    await Promise.all(processes.map((process) => process.abandon()));
    rmSync(dirs.root, { recursive: true, force: true });
  }
}

async function migrate(databaseUrl: string): Promise<void> {
  await run(process.execPath, [ENTRY.migrator, 'schema', 'up', '--database-url', databaseUrl]);
}

async function verifyAll(databaseUrl: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [
      ENTRY.migrator,
      'verify',
      '--all',
      '--database-url',
      databaseUrl,
    ]);
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

const isReady = (url: string): Promise<boolean> =>
  fetch(`${url}/readyz`).then(
    (response) => response.ok,
    () => false,
  );

/** Uploads spread over the window, three at a time, and hands each new file to the reporter as planned. */
async function uploadAll(
  plans: ReturnType<typeof planFiles>,
  uploader: Uploader,
  reporter: Reporter,
  windowMs: number,
  deadline: number,
): Promise<void> {
  const started = Date.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    for (;;) {
      const index = next;
      next += 1;
      const plan = plans[index];
      if (plan === undefined) return;
      const due = started + (windowMs * index) / plans.length;
      if (due > Date.now()) await sleep(due - Date.now());
      await uploader.upload(plan.file, deadline);
      const id = uploader.ids.get(plan.file.name)?.[0];
      if (plan.report !== null && id !== undefined)
        reporter.plan(id, plan.report.finishAfterMs, plan.report.abandon);
    }
  };
  await Promise.all([lane(), lane(), lane()]);
}

interface ChaosOutcome {
  kills: number;
  databaseRestarts: number;
  lastKillAt: number;
}

/**
 * kill -9 of a random process every few seconds, restarted after a short pause, and one database restart about
 * halfway; until the minimum time has passed and every file is uploaded. Kills and the restart never overlap, so
 * no process is started while its database is down (it would refuse to start, as it should).
 */
async function makeChaos(
  settings: ChaosSettings,
  processes: readonly ChaosProcess[],
  uploadsDone: () => boolean,
  started: number,
): Promise<ChaosOutcome> {
  const random = new SeededRandom(settings.seed);
  const outcome: ChaosOutcome = { kills: 0, databaseRestarts: 0, lastKillAt: Date.now() };
  const restartAt = started + settings.minChaosMs / 2;
  while (Date.now() - started < settings.minChaosMs || !uploadsDone()) {
    await sleep(random.between(...settings.killEveryMs));
    if (settings.server !== null && outcome.databaseRestarts === 0 && Date.now() >= restartAt) {
      // A process still starting would meet no database and refuse to start (exit 2), as it should.
      await Promise.all(processes.map((process) => process.ready(90_000)));
      settings.log(`database restart: down for ${settings.databaseDownMs} ms`);
      await settings.server.halt();
      await sleep(settings.databaseDownMs);
      await settings.server.resume();
      outcome.databaseRestarts += 1;
      outcome.lastKillAt = Date.now();
      continue;
    }
    const running = processes.filter((process) => process.running);
    if (running.length === 0) continue;
    const victim = random.pick(running);
    await victim.kill();
    outcome.kills += 1;
    await sleep(random.between(...settings.pauseMs));
    victim.start();
    outcome.lastKillAt = Date.now();
  }
  return outcome;
}

/** When every uploaded file is completed or failed (no pending or processing), or null at the deadline. */
async function waitSettled(pool: ApiPool, files: number, deadline: number): Promise<number | null> {
  while (Date.now() < deadline) {
    const answer = await pool.attempt('/api/files?limit=1');
    if (answer.ok && answer.status === 200) {
      const { counts } = answer.body as { counts: Record<string, number> };
      const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
      if (total === files && (counts['pending'] ?? 0) === 0 && (counts['processing'] ?? 0) === 0)
        return Date.now();
    }
    await sleep(500);
  }
  return null;
}
