// The migrator benchmark (measures and reports, never asserts): how soon `steptrail-migrate` sends its first query
// on SQLite (cli-start.ts), then the logs-to-steps backfill on legacy DocuElevate databases (logs-to-steps.ts),
// timed as a user sees it: the whole CLI process.
//   npx tsx bench/migrator/main.ts [--scale smoke|small|full] [--backends sqlite,postgres,mysql] [--postgres URL] [--mysql URL]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readBenchEnvironment } from '../config.js';
import { atLeast, atMost, targetTable, writeReport, type TargetRow } from '../support/report.js';
import { repoRoot } from '../support/workspace.js';
import { FIRST_QUERY_TARGET_MS, measureCliStart } from './cli-start.js';
import { isKind, runBackfills } from './logs-to-steps.js';

/** Log rows per size: 280,000 is issue 16's end-to-end size (250k-300k), 1M and 10M the migrator issue's. */
const SCALES: Record<string, { sizes: number[]; starts: number }> = {
  smoke: { sizes: [10_000], starts: 3 },
  small: { sizes: [100_000, 280_000], starts: 10 },
  full: { sizes: [280_000, 1_000_000, 10_000_000], starts: 20 },
};

async function main(): Promise<void> {
  const environment = readBenchEnvironment();
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: environment.scale ?? 'small' },
      backends: { type: 'string', default: 'sqlite,postgres,mysql' },
      postgres: { type: 'string' },
      mysql: { type: 'string' },
      report: { type: 'string' },
    },
  });
  const scale = SCALES[values.scale];
  if (scale === undefined) throw new Error(`--scale must be smoke, small or full, not ${values.scale}`);
  const kinds = values.backends.split(',').filter(isKind);
  const targets: TargetRow[] = [];

  console.log(
    `steptrail-migrate start on SQLite: ${scale.starts} runs of "schema status", process start to first query`,
  );
  const start = await measureCliStart(scale.starts);
  console.log(
    `  first query p50 ${start.firstQuery.p50.toFixed(0)} ms (p95 ${start.firstQuery.p95.toFixed(0)} ms), ` +
      `whole process p50 ${start.wall.p50.toFixed(0)} ms; ${start.cjsModules} CommonJS modules loaded by the first query`,
  );
  targets.push(
    atMost(
      'sqlite',
      'steptrail-migrate: process start to first query, p50',
      start.firstQuery.p50,
      FIRST_QUERY_TARGET_MS,
      ' ms',
    ),
  );

  const rows = await runBackfills({
    sizes: scale.sizes,
    kinds,
    postgres: values.postgres,
    mysql: values.mysql,
  });
  for (const row of rows) {
    const judged = atLeast(
      row.kind === 'mysql' ? 'mariadb' : row.kind,
      `logs-to-steps ${row.logs.toLocaleString('en')} rows, ${row.targetWhat}`,
      row.logsPerSecond,
      row.target,
      ' logs/s',
    );
    const steady = row.targetWhat.startsWith('steady');
    // The steady target is for 1M and 10M rows; smaller runs are shown beside it without a verdict.
    targets.push(steady && row.logs < 1_000_000 ? { ...judged, met: null, note: 'below 1M rows' } : judged);
  }
  console.log(`\n== migrator targets (${values.scale} scale)\n${targetTable(targets)}`);
  const reportFile =
    values.report ??
    environment.reportFile ??
    join(repoRoot, 'bench', 'reports', `migrator-${values.scale}.json`);
  writeReport(reportFile, {
    benchmark: 'migrator',
    scale: values.scale,
    cliStart: start,
    backfills: rows,
    targets,
    notes: [],
  });
  console.log(`\nreport: ${reportFile}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
