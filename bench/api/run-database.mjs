// One database through every size: migrate with the real migrations, grow the data set size by size with
// bulk SQL, check a sample of the seeded files with the domain's verify, then start the API and measure.
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { startApi } from './api-process.mjs';
import { measureSize } from './measure-size.mjs';
import { checkLines, figureTable } from './report.mjs';
import { BulkSeeder } from './seed-database.mjs';
import { seedDialect } from './seed-dialects.mjs';
import { buildTemplates } from './seed-templates.mjs';
import { randomIds } from './stats.mjs';
import { fmtFiles } from './targets.mjs';

const VERIFY_SAMPLE = 100;

function parseTarget(runtime, url) {
  const parsed = runtime.parseDatabaseUrl(url, process.cwd());
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

/** The domain's own verify (fold of logs == step rows, rollup == status of rows) on files drawn from (from, to]. */
async function verifySample(domain, store, from, to) {
  const migration = new domain.LegacyMigration({
    unitOfWork: store.unitOfWork,
    reads: store.reads,
    clock: domain.systemClock,
  });
  const ids = [
    from + 1,
    to,
    ...randomIds(to * 7 + 3, VERIFY_SAMPLE, to - from).map((offset) => from + offset),
  ];
  const invalid = [];
  for (const id of ids) {
    const result = await migration.verifyMigration(id);
    if (!result.ok || !result.value.valid)
      invalid.push(result.ok ? result.value.discrepancies[0]?.message : result.error.message);
  }
  return {
    files: to,
    label: `seeded rows pass the domain's verify (${ids.length} sampled files)`,
    ok: invalid.length === 0,
    detail: invalid.slice(0, 3).join('; '),
  };
}

async function seedUpTo(seeder, from, to, log) {
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

export async function runDatabase({ domain, runtime, database, prepared, options, log }) {
  const target = parseTarget(runtime, prepared.url);
  const applied = await runtime.migrateToLatest(target);
  log(`  schema: ${applied.join(', ')}`);
  const seedingSource = await (await runtime.migrationDataSource(target)).initialize();
  const seeder = new BulkSeeder(seedingSource, seedDialect(target.kind), await buildTemplates(domain), log);
  const result = { seeding: [], figures: [], checks: [], load: [] };
  let seeded = 0;
  try {
    for (const size of options.sizes) {
      result.seeding.push({ database, ...(await seedUpTo(seeder, seeded, size, log)) });
      const from = seeded;
      seeded = size;
      const api = await startApi(prepared.url, join(prepared.scratch, 'storage'));
      const store = await runtime.openStore(target, { poolSize: 4 });
      try {
        const verified = await verifySample(domain, store, from, size);
        const loadBefore = loadavg()[0];
        const measured = await measureSize({ domain, store, api, size, options, log });
        // Other processes on the machine move p95/p99 more than anything measured here; say how busy it was.
        const load = { database, files: size, before: loadBefore, after: loadavg()[0], cpus: cpus().length };
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
