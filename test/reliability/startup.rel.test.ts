import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDatabase,
  createReadOnlyUser,
  startMariaDb,
  startPostgres,
  type RestartableServer,
} from '@steptrail/test-servers';
import { backendUrls, titleWithSkipReason } from '@steptrail/test-servers/backend-urls';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  AppRun,
  assertBuilt,
  eventually,
  migrate,
  registerFile,
  statusOf,
  type App,
} from './support/app-run.js';
import { recordSummary } from './support/summary.js';

// Start-up and a lost database (issue 17, docs/architecture.md#start-up and #faults): a database the apps cannot
// serve from is refused at start-up with what to fix; once serving, an unreachable database turns readiness 503
// and back to 200 when it returns, and only one gone for longer than DATABASE_LOST_AFTER_MS stops a process,
// cleanly, with exit code 3. The refusals of SQLite files and directories are in
// apps/standalone/test/startup-refusals.e2e.test.ts; this suite runs the built apps on each database.

const EXIT_DATABASE_LOST = 3;
const EXIT_CONFIGURATION = 2;
const urls = backendUrls();
const dirs: string[] = [];

const scratch = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'steptrail-startup-'));
  dirs.push(dir);
  return dir;
};

beforeAll(assertBuilt);
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The environment every app of this suite gets: its own directories, a free port. */
const base = (cwd: string): Record<string, string> => ({
  PORT: '0',
  WORKER_METRICS_PORT: '0',
  STORAGE_DIR: join(cwd, 'storage'),
  WORK_DIR: join(cwd, 'work'),
  PROCESSED_DIR: join(cwd, 'processed'),
  SCRATCH_DIR: join(cwd, 'scratch'),
  OCR_ENABLED: 'false',
});

/** Where an app answers /readyz: the API's own port, or the worker's metrics port. */
async function readyUrl(run: AppRun, app: App): Promise<string> {
  return `${await run.url(app === 'worker' ? 'worker metrics listening' : 'API listening')}/readyz`;
}

/** One line of stderr saying the database was lost, and a clean stop in the log before exit code 3. */
function expectCleanDatabaseLostExit(run: AppRun, app: App): void {
  expect(run.exitCode, run.stderr).toBe(EXIT_DATABASE_LOST);
  expect(run.stderr).toMatch(
    /is stopping: its database has not answered for \d+ s \(DATABASE_LOST_AFTER_MS=\d+; last error: .+\)\. Exit code 3/,
  );
  expect(run.stdout).toMatch(app === 'worker' ? /"msg":"worker stopped"/ : /"msg":"API stopped"/);
}

describe('a lost SQLite database file (pnpm start: API and worker)', () => {
  test('moved away, readiness turns 503; moved back, 200 and writes work; the process never exits', async () => {
    const cwd = scratch();
    const path = join(cwd, 'steptrail.db');
    const run = new AppRun('standalone', { ...base(cwd), DATABASE_URL: `sqlite:${path}` }, cwd);
    try {
      const ready = await readyUrl(run, 'standalone');
      expect(await statusOf(ready)).toBe(200);
      renameSync(path, `${path}.away`);
      await eventually(
        () => statusOf(ready),
        (status) => status === 503,
      );
      // The background watch has seen it too (and counts the time towards DATABASE_LOST_AFTER_MS).
      await eventually(
        async () => run.stdout,
        (out) => out.includes('"msg":"database does not answer: readiness reports 503 until it does"'),
      );
      renameSync(`${path}.away`, path);
      await eventually(
        () => statusOf(ready),
        (status) => status === 200,
      );
      expect((await registerFile(ready.replace('/readyz', ''))).status).toBe(201);
      await eventually(
        async () => run.stdout,
        (out) => out.includes('"msg":"database answers again"'),
      );
      expect(run.exitCode).toBeUndefined();
    } finally {
      await run.stop();
    }
  });

  test('deleted for longer than DATABASE_LOST_AFTER_MS: a clean stop, one line why, exit code 3', async () => {
    const cwd = scratch();
    const path = join(cwd, 'steptrail.db');
    const env = { ...base(cwd), DATABASE_URL: `sqlite:${path}`, DATABASE_LOST_AFTER_MS: '1500' };
    const run = new AppRun('standalone', env, cwd);
    try {
      const ready = await readyUrl(run, 'standalone');
      expect(await statusOf(ready)).toBe(200);
      rmSync(path);
      await run.exited;
      expectCleanDatabaseLostExit(run, 'standalone');
      recordSummary({
        suite: 'startup',
        database: 'sqlite',
        figures: { exits: 0 },
        extra: { 'outages survived': 1, 'clean exits (code 3)': 1 },
      });
    } finally {
      await run.stop();
    }
  });
});

interface ServerCase {
  readonly name: 'postgres' | 'mysql';
  readonly title: string;
  readonly skipReason: string | null;
  readonly start: () => Promise<RestartableServer>;
}

const servers: ServerCase[] = [
  {
    name: 'postgres',
    title: 'start-up and a lost PostgreSQL server',
    skipReason: urls.postgres === null ? urls.skipReason.postgres : null,
    start: () => startPostgres({ database: 'steptrail_startup' }),
  },
  {
    name: 'mysql',
    title: 'start-up and a lost MariaDB server',
    skipReason: urls.mysql === null ? urls.skipReason.mysql : null,
    start: () => startMariaDb({ database: 'steptrail_startup' }),
  },
];

for (const server of servers) {
  describe.skipIf(server.skipReason !== null)(titleWithSkipReason(server.title, server.skipReason), () => {
    // A private server: this suite halts it, which must not disturb the other suites' shared one.
    let db: RestartableServer;
    let refusals = 0;

    beforeAll(async () => {
      db = await server.start();
      await migrate(db.url);
    });
    afterAll(async () => {
      await db?.stop();
    });

    test.each(['api', 'worker'] as const)(
      '%s: a user that may only read is refused at start-up with what to change, exit code 2',
      async (app) => {
        const cwd = scratch();
        const readOnly = await createReadOnlyUser(db.url, `steptrail_ro_${app}`);
        const run = new AppRun(app, { ...base(cwd), DATABASE_URL: readOnly }, cwd);
        try {
          expect(await run.exited, run.stderr).toBe(EXIT_CONFIGURATION);
          expect(run.stderr.trim().split('\n')).toHaveLength(1);
          expect(run.stderr).toMatch(
            /cannot start: \S+ refuses writes \(.+\)\. .* Connect as a user with INSERT, UPDATE and DELETE/,
          );
          refusals += 1;
        } finally {
          await run.stop();
        }
      },
    );

    test.each(['api', 'worker'] as const)(
      '%s: an unmigrated database is refused at start-up with the command that migrates it',
      async (app) => {
        const cwd = scratch();
        const empty = await createDatabase(db.url, `steptrail_unmigrated_${app}`);
        const run = new AppRun(app, { ...base(cwd), DATABASE_URL: empty }, cwd);
        try {
          expect(await run.exited, run.stderr).toBe(EXIT_CONFIGURATION);
          expect(run.stderr).toMatch(
            /cannot start: database schema is not migrated: \S+ lacks \d+ migrations .* Run steptrail-migrate schema up/,
          );
          refusals += 1;
        } finally {
          await run.stop();
        }
      },
    );

    test('halted: readiness 503, back 200 with writes; past DATABASE_LOST_AFTER_MS an API and a worker stop cleanly with 3', async () => {
      const cwd = scratch();
      const env = { ...base(cwd), DATABASE_URL: db.url };
      const patient = new AppRun('api', { ...env, DATABASE_LOST_AFTER_MS: '600000' }, cwd);
      const api = new AppRun('api', { ...env, DATABASE_LOST_AFTER_MS: '2000' }, cwd);
      const worker = new AppRun('worker', { ...env, DATABASE_LOST_AFTER_MS: '2000' }, cwd);
      const runs = [patient, api, worker];
      let halted = false;
      try {
        const patientReady = await readyUrl(patient, 'api');
        for (const [run, app] of [
          [api, 'api'],
          [worker, 'worker'],
        ] as const)
          expect(await statusOf(await readyUrl(run, app))).toBe(200);
        expect(await statusOf(patientReady)).toBe(200);

        await db.halt();
        halted = true;
        await eventually(
          () => statusOf(patientReady),
          (status) => status === 503,
        );
        await Promise.all([api.exited, worker.exited]);
        expectCleanDatabaseLostExit(api, 'api');
        expectCleanDatabaseLostExit(worker, 'worker');

        await db.resume();
        halted = false;
        await eventually(
          () => statusOf(patientReady),
          (status) => status === 200,
        );
        const write = await eventually(
          () => registerFile(patientReady.replace('/readyz', '')),
          (response) => response.status !== 503,
        );
        expect(write.status).toBe(201);
        expect(patient.exitCode, patient.stderr).toBeUndefined();
        recordSummary({
          suite: 'startup',
          database: server.name,
          figures: { exits: 0, restarts: 1 },
          extra: { refusals, 'outages survived': 1, 'clean exits (code 3)': 2 },
        });
      } finally {
        if (halted) await db.resume();
        await Promise.all(runs.map((run) => run.stop()));
      }
    });
  });
}
