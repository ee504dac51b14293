// API benchmark (not a test: it measures and reports, it never asserts). Per database and size: bulk-seed
// files shaped by the domain, start the real API, and measure GET /api/files/:id/status and the failed-files
// page over HTTP, plus the same answers in-process from current state and rebuilt from logs.
// Run:  node bench/run.mjs --only api [--scale small|full]   (starts throwaway servers), or directly with
//       BENCH_POSTGRES_URL / BENCH_MYSQL_URL set:  node bench/api/main.mjs --scale small --databases sqlite,postgres
import { cpus } from 'node:os';
import { DISPLAY, prepareDatabase } from './databases.mjs';
import { readOptions } from './options.mjs';
import { checkLines, targetTable, writeReport } from './report.mjs';
import { runDatabase } from './run-database.mjs';
import { explainMisses, judgeTargets } from './targets.mjs';
import { importWorkspace } from './workspace.mjs';

const log = (line) => console.log(line);

async function main() {
  const options = readOptions();
  const [domain, runtime, testServers] = await Promise.all([
    importWorkspace('@steptrail/domain'),
    importWorkspace('@steptrail/runtime'),
    importWorkspace('@steptrail/test-servers'),
  ]);
  const report = {
    benchmark: 'api',
    scale: options.scale,
    command: `node bench/api/main.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
    sizes: options.sizes,
    databases: [],
    seeding: [],
    figures: [],
    checks: [],
    load: [],
    targets: [],
    notes: [],
  };
  log(
    `API benchmark, ${options.scale} scale: ${options.sizes.map((n) => n.toLocaleString('en')).join(', ')} files; ` +
      `${options.statusRequests} status requests per size`,
  );
  for (const database of options.databases) {
    const name = DISPLAY[database];
    const prepared = await prepareDatabase(database, options, { testServers, runtime });
    if (prepared.skip !== undefined) {
      log(`\n== ${name}: skipped (${prepared.skip})`);
      report.databases.push({ database, status: 'skipped', reason: prepared.skip });
      continue;
    }
    log(`\n== ${name}`);
    try {
      const result = await runDatabase({ domain, runtime, database, prepared, options, log });
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

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
