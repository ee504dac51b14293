// Profiles one event's write path, steptrail against the raw loop: on a fresh database (SQLite by default, or the
// DATABASE_URL-style URL given), `--events` events through StepTracker in-process, then the same number replayed by the
// raw driver loop (raw-loop.ts), one writer each, with the V8 profiler on for each phase alone. Prints events per
// second of both and where each phase's CPU time went (bench/profile-summary.ts), so a missed "in-process ≥ 80 % of
// raw" target is explained from a profile.
//   npx tsx bench/ingest/profile-write-path.ts [--events 3000] [--url postgres://…/db]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_WORKFLOW, StepTracker, systemClock } from '@steptrail/domain';
import { migrateToLatest, openStore } from '@steptrail/runtime';
import { parseTarget } from '../support/databases.js';
import { registerFiles } from '../support/bench-files.js';
import { repoRoot } from '../support/workspace.js';
import { rawDriver, replay, type CapturedEvent, type RawEvent } from './raw-loop.js';
import { captureSql, normalizeSql } from './sql-capture.js';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '3000' }, url: { type: 'string' } },
});
const scratch = mkdtempSync(join(tmpdir(), 'steptrail-bench-write-path-'));
const url = values.url ?? `sqlite:${join(scratch, 'write-path.db')}`;
const target = parseTarget(url);
const database = target.kind === 'mysql' ? 'mariadb' : target.kind;
const steps = DEFAULT_WORKFLOW.steps;
const perFile = steps.length * 2;
const files = Math.ceil(Number(values.events) / perFile);
const session = new Session();
session.connect();
await session.post('Profiler.enable');

async function profiled(name: string, work: () => Promise<number>): Promise<void> {
  await session.post('Profiler.start');
  const started = performance.now();
  const events = await work();
  const seconds = (performance.now() - started) / 1000;
  const { profile } = await session.post('Profiler.stop');
  const file = join(scratch, `${name}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  console.log(
    `\n==== ${name}: ${events} events in ${seconds.toFixed(2)} s, ${Math.round(events / seconds)} events/s`,
  );
  console.log(
    execFileSync(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'bench', 'profile-summary.ts'), file, '--top', '15'],
      { encoding: 'utf8' },
    ),
  );
}

const events = (fileId: number): RawEvent[] =>
  steps.flatMap((stepName) => [
    { fileId, stepName, status: 'in_progress', first: true },
    { fileId, stepName, status: 'success', message: 'done', first: false },
  ]);

try {
  await migrateToLatest(target);
  const store = await openStore(target, { poolSize: 4 });
  const tracker = new StepTracker({ unitOfWork: store.unitOfWork, clock: systemClock });
  const register = (count: number) => registerFiles(tracker, count);
  const [captureFile] = await register(1);
  const session = (await captureSql(async () => (await openStore(target, { poolSize: 1 })).close())).filter(
    (sql) => /^(PRAGMA|SET)\b/i.test(normalizeSql(sql)),
  );
  const write = (status: string) => async () => {
    await tracker.updateStepStatus(captureFile ?? 0, steps[0] ?? '', status);
  };
  const captured: CapturedEvent = {
    session,
    first: await captureSql(write('in_progress')),
    later: await captureSql(write('success')),
  };
  const inProcessFiles = await register(files);
  const rawFiles = await register(files);
  await profiled(`in-process StepTracker (${database})`, async () => {
    let count = 0;
    for (const fileId of inProcessFiles)
      for (const event of events(fileId)) {
        const result = await tracker.updateStepStatus(event.fileId, event.stepName, event.status, {
          ...(event.message === undefined ? {} : { message: event.message }),
        });
        if (!result.ok) throw new Error(result.error.message);
        count += 1;
      }
    return count;
  });
  const driver = rawDriver(
    database,
    target.kind === 'sqlite' ? { path: target.path } : { url: target.url },
    1,
    captured.session,
  );
  await profiled(`raw driver loop (${database})`, async () => {
    const all = rawFiles.flatMap(events);
    await replay(driver, captured, all, 1);
    return all.length;
  });
  await driver.close();
  await store.close();
} finally {
  session.disconnect();
  rmSync(scratch, { recursive: true, force: true });
}
