// One database through every size: migrate with the real migrations, grow the data set size by size with
// bulk SQL, check a sample of the seeded files with the domain's verify, then start the API and measure.
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { LegacyMigration, systemClock, type Store } from '@steptrail/domain';
import { migrateToLatest, migrationDataSource, openStore } from '@steptrail/runtime';
import { startApi } from '../support/api-process.js';
import { parseTarget, type BenchDatabase } from '../support/databases.js';
import { measureSize } from './measure-size.js';
import type { Options } from './options.js';
import { checkLines, figureTable, fmtFiles, type Check, type Figure } from '../support/report.js';
import { BulkSeeder } from './seed-database.js';
import { seedDialect } from './seed-dialects.js';
import { buildTemplates } from './seed-templates.js';
import { randomIds } from '../support/stats.js';
import type { LoadSample } from './targets.js';

const VERIFY_SAMPLE = 100;

export interface Seeding {
  database: string;
  files: number;
  addedFiles: number;
  seconds: number;
  settleSeconds: number;
  gigabytes: number;
}

export interface DatabaseResult {
  seeding: Seeding[];
  figures: Figure[];
  checks: Check[];
  load: LoadSample[];
}

/** The domain's own verify (fold of logs == step rows, rollup == status of rows) on files drawn from (from, to]. */
async function verifySample(store: Store, from: number, to: number): Promise<Check> {
  const migration = new LegacyMigration({
    unitOfWork: store.unitOfWork,
    reads: store.reads,
    clock: systemClock,
  });
  const ids = [
    from + 1,
    to,
    ...randomIds(to * 7 + 3, VERIFY_SAMPLE, to - from).map((offset) => from + offset),
  ];
  const invalid: string[] = [];
  for (const id of ids) {
    const result = await migration.verifyMigration(id);
    if (!result.ok) invalid.push(result.error.message);
    else if (!result.value.valid) invalid.push(result.value.discrepancies[0]?.message ?? 'invalid');
  }
  return {
    files: to,
    label: `seeded rows pass the domain's verify (${ids.length} sampled files)`,
    ok: invalid.length === 0,
    detail: invalid.slice(0, 3).join('; '),
  };
}

async function seedUpTo(
  seeder: BulkSeeder,
  from: number,
  to: number,
  log: (line: string) => void,
): Promise<Omit<Seeding, 'database'>> {
  log(`  seeding files ${(from + 1).toLocaleString('en')} to ${to.toLocaleString('en')} ...`);
  await seeder.prepare();
  const seconds = await seeder.seed(from, to);
  await seeder.dropTemplates();
  const settleSeconds = await seeder.settle();
  const gigabytes = (await seeder.sizeBytes()) / 1024 ** 3;
  log(
    `  seeded ${(to - from).toLocaleString('en')} files in ${seconds.toFixed(1)} s ` +
      `(statistics: ${settleSeconds.toFixed(1)} s); the database now takes ${(gigabytes * 1024).toFixed(0)} MiB`,
  );
  return { files: to, addedFiles: to - from, seconds, settleSeconds, gigabytes };
}

export async function runDatabase({
  database,
  prepared,
  options,
  log,
}: {
  database: BenchDatabase;
  prepared: { url: string; scratch: string };
  options: Options;
  log: (line: string) => void;
}): Promise<DatabaseResult> {
  const target = parseTarget(prepared.url);
  const applied = await migrateToLatest(target);
  log(`  schema: ${applied.join(', ')}`);
  const seedingSource = await (await migrationDataSource(target)).initialize();
  const seeder = new BulkSeeder(seedingSource, seedDialect(target.kind), await buildTemplates(), log);
  const result: DatabaseResult = { seeding: [], figures: [], checks: [], load: [] };
  let seeded = 0;
  try {
    for (const size of options.sizes) {
      result.seeding.push({ database, ...(await seedUpTo(seeder, seeded, size, log)) });
      const from = seeded;
      seeded = size;
      // No stall sweep: the seeded files' in-progress steps are long past any stall window, and the history rows a
      // sweep would write take log ids the next size's seeding assigns (and would disturb the reads measured). No
      // rollup reconciler either: to it the seeder's rows are foreign writes, and its catch-up over every seeded file
      // would compete with the reads for the whole run; a settled database has nothing for it to do
      // (docs/architecture.md#foreign-writes).
      const api = await startApi(prepared.url, join(prepared.scratch, 'storage'), {
        env: { STALL_SWEEP_INTERVAL_MS: '0', RECONCILE_INTERVAL_MS: '0' },
      });
      const store = await openStore(target, { poolSize: 4 });
      try {
        const verified = await verifySample(store, from, size);
        const loadBefore = loadavg()[0] ?? 0;
        const measured = await measureSize({ store, api, size, options, log });
        // Other processes on the machine move p95/p99 more than anything measured here; say how busy it was.
        const load: LoadSample = {
          database,
          files: size,
          before: loadBefore,
          after: loadavg()[0] ?? 0,
          cpus: cpus().length,
        };
        result.load.push(load);
        const figures = measured.figures.map((f) => ({ database, ...f }));
        const checks = [verified, ...measured.checks].map((c) => ({ database, ...c }));
        log(
          `\n-- ${database}, ${fmtFiles(size)} files (1-min load average ${load.before.toFixed(1)} → ` +
            `${load.after.toFixed(1)} on ${load.cpus} CPUs)\n${figureTable(figures)}\n${checkLines(checks).join('\n')}\n`,
        );
        result.figures.push(...figures);
        result.checks.push(...checks);
      } finally {
        await store.close();
        await api.stop();
      }
    }
  } finally {
    await seeder.dropTemplates().catch(() => undefined);
    await seedingSource.destroy();
  }
  return result;
}
