// Profiles steptrail's own event writes with the rollup reconciler's loop running in the same process: on a fresh
// database (SQLite by default, or the URL given), `--events` events through StepTracker with 4 writers, the V8
// profiler on, then a summary of where the CPU time went (bench/profile-summary.ts), the reconciler's functions
// among them. Explains the ingestion benchmark's reconciler-overhead line (docs/architecture.md#foreign-writes).
//   npx tsx bench/ingest/profile-reconciler.ts [--events 4000] [--off] [--keep] [--url postgres://…/db]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_WORKFLOW, RollupReconciler, StepTracker, systemClock } from '@steptrail/domain';
import { ReconcileLoop, migrateToLatest, openStore } from '@steptrail/runtime';
import { createLogger } from '@steptrail/runtime/logger';
import { parseTarget } from '../support/databases.js';
import { registerFiles } from '../support/bench-files.js';
import { repoRoot } from '../support/workspace.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '4000' },
    url: { type: 'string' },
    off: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const WRITERS = 4;
const scratch = mkdtempSync(join(tmpdir(), 'steptrail-bench-reconciler-'));
const target = parseTarget(values.url ?? `sqlite:${join(scratch, 'reconciler.db')}`);
const steps = DEFAULT_WORKFLOW.steps;
const files = Math.ceil(Number(values.events) / (steps.length * 2));

try {
  await migrateToLatest(target);
  const store = await openStore(target, { poolSize: 20 });
  const tracker = new StepTracker({ unitOfWork: store.unitOfWork, clock: systemClock });
  const ids = await registerFiles(tracker, files);
  const loop = new ReconcileLoop(store, systemClock, createLogger({ level: 'warn', service: 'bench' }), {
    intervalMs: 250,
    owner: 'profile',
  });
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  if (!values.off) loop.start();
  const started = performance.now();
  let events = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, writer) => {
      for (const fileId of ids.filter((_, index) => index % WRITERS === writer))
        for (const stepName of steps)
          for (const status of ['in_progress', 'success']) {
            const result = await tracker.updateStepStatus(fileId, stepName, status);
            if (!result.ok) throw new Error(result.error.message);
            events += 1;
          }
    }),
  );
  // What the loop has not reached yet is part of its cost: stop it and catch up, still timed and profiled.
  await loop.stop();
  if (!values.off) {
    const catchUp = new RollupReconciler({
      unitOfWork: store.unitOfWork,
      reads: store.reads,
      clock: systemClock,
    });
    let pass = await catchUp.runOnce('profile-catch-up');
    while (pass.more) pass = await catchUp.runOnce('profile-catch-up');
  }
  const seconds = (performance.now() - started) / 1000;
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  await store.close();
  const file = join(scratch, 'reconciler.cpuprofile');
  writeFileSync(file, JSON.stringify(profile));
  console.log(
    `${events} events, ${WRITERS} writers, reconciler ${values.off ? 'off' : 'on'}: ${seconds.toFixed(2)} s, ` +
      `${Math.round(events / seconds)} events/s`,
  );
  console.log(
    execFileSync(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'bench', 'profile-summary.ts'), file, '--top', '40'],
      { encoding: 'utf8' },
    ),
  );
} finally {
  if (!values.keep) rmSync(scratch, { recursive: true, force: true });
  else console.log(`kept ${scratch}`);
}
