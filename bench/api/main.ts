// API benchmark (not a test: it measures and reports, it never asserts). Per database and size: bulk-seed
// files shaped by the domain, start the real API, and measure GET /api/files/:id/status (beside a bare node:http
// server answering the same bytes) and the failed-files page over HTTP, plus the same answers in-process from
// current state and rebuilt from logs.
// Run:  npx tsx bench/run.ts --only api [--scale small|full]   (starts throwaway servers), or directly with
//       BENCH_POSTGRES_URL / BENCH_MYSQL_URL set:  npx tsx bench/api/main.ts --scale small --databases sqlite,postgres
import { cpus } from 'node:os';
import { DISPLAY, prepareDatabase } from '../support/databases.js';
import { readOptions } from './options.js';
import {
  checkLines,
  targetTable,
  writeReport,
  type Check,
  type Figure,
  type TargetRow,
} from '../support/report.js';
import { runDatabase, type Seeding } from './run-database.js';
import { explainMisses, judgeTargets, type LoadSample } from './targets.js';

const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const options = readOptions();
  const report = {
    benchmark: 'api',
    scale: options.scale,
    command: `npx tsx bench/api/main.ts ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt: new Date().toISOString(),
    finishedAt: '',
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
    sizes: options.sizes,
    databases: [] as { database: string; status: string; reason: string | null }[],
    seeding: [] as Seeding[],
    figures: [] as Figure[],
    checks: [] as Check[],
    load: [] as LoadSample[],
    targets: [] as TargetRow[],
    notes: [] as string[],
  };
  log(
    `API benchmark, ${options.scale} scale: ${options.sizes.map((n) => n.toLocaleString('en')).join(', ')} files; ` +
      `${options.statusRequests} status requests per size`,
  );
  for (const database of options.databases) {
    const name = DISPLAY[database];
    const prepared = await prepareDatabase(database, options.servers);
    if (prepared.skip !== undefined) {
      log(`\n== ${name}: skipped (${prepared.skip})`);
      report.databases.push({ database, status: 'skipped', reason: prepared.skip });
      continue;
    }
    log(`\n== ${name}`);
    try {
      const result = await runDatabase({ database, prepared, options, log });
      report.seeding.push(...result.seeding);
      report.figures.push(...result.figures);
      report.checks.push(...result.checks);
      report.load.push(...result.load);
      report.targets.push(...judgeTargets(database, result.figures, options.sizes));
      report.notes.push(...explainMisses(database, result, options.sizes));
      report.databases.push({ database, status: 'measured', reason: null });
    } catch (error) {
      log(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      report.databases.push({
        database,
        status: 'failed',
        reason: error instanceof Error ? error.message : String(error),
      });
    } finally {
      await prepared.cleanup();
    }
  }
  report.finishedAt = new Date().toISOString();
  const targets =
    report.targets.length > 0 ? targetTable(report.targets) : 'none judged: no database was measured';
  log(`\n== API targets (${options.scale} scale)\n${targets}`);
  if (report.notes.length > 0)
    log(`\nwhy targets were missed:\n${report.notes.map((note) => `- ${note}`).join('\n')}`);
  const failedChecks = report.checks.filter((c) => !c.ok);
  if (failedChecks.length > 0)
    log(`\nconsistency checks that failed:\n${checkLines(failedChecks).join('\n')}`);
  writeReport(options.reportFile, report);
  log(`\nreport: ${options.reportFile}`);
  if (report.databases.some((d) => d.status === 'failed')) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
