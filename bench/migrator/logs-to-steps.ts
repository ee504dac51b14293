// Benchmark (not a test): logs per second and peak RSS of `steptrail-migrate logs-to-steps` on legacy
// DocuElevate databases, per database, timed as a user sees it: the whole CLI process, start to exit. Run from the
// repository root after a build:
//   npx tsx bench/migrator/logs-to-steps.ts [--sizes 280000,1000000,10000000] [--backends sqlite,postgres,mysql]
//     [--batch-size N (default: the CLI's)] [--postgres URL] [--mysql URL] [--keep] [--cpu-prof DIR]
// Without --postgres/--mysql (or TEST_POSTGRES_URL/TEST_MYSQL_URL) it starts throwaway servers from
// @steptrail/test-servers (fsync off); a started MariaDB gets a 1 GiB buffer pool for the run.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { migrationDataSource } from '@steptrail/runtime';
import { createDatabase, startMariaDb, startPostgres, type RunningServer } from '@steptrail/test-servers';
// eslint-disable-next-line no-restricted-imports -- the migrator's own legacy-database generator (its migration check uses it too): the benchmark times that migrator on what it generates
import { generateLegacyDatabase, LOGS_PER_FILE } from '../../apps/migrator/scripts/docuelevate-fixture.mjs';
import { childEnvironment, readBenchEnvironment } from '../config.js';
import { parseTarget } from '../support/databases.js';
import { migratorMain, requireBuilt } from '../support/workspace.js';

const here = dirname(fileURLToPath(import.meta.url));

type Kind = 'sqlite' | 'postgres' | 'mysql';
const KINDS: readonly Kind[] = ['sqlite', 'postgres', 'mysql'];
/** Steady logs per second at 1M and 10M rows (the migrator issue). */
const TARGETS: Record<Kind, number> = { sqlite: 200_000, postgres: 200_000, mysql: 100_000 };
/** Issue 16: end to end at 250,000–300,000 rows on SQLite, the start of the process included. */
const END_TO_END_TARGET = { kind: 'sqlite' as Kind, from: 250_000, to: 300_000, logsPerSecond: 160_000 };
const RSS_TARGET_MB = 256;
const LABELS: Record<Kind, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL', mysql: 'MariaDB' };

export interface BackfillRow {
  kind: Kind;
  logs: number;
  files: number;
  generated: number;
  schemaSeconds: number;
  seconds: number;
  logsPerSecond: number;
  peakRssMb: number | null;
  target: number;
  targetWhat: string;
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  peakRssMb: number | null;
}

/** Runs the CLI; resolves with its exit code, stdout, wall time and the peak RSS its preload reported. */
function runCli(cliArgs: string[], databaseUrl: string, nodeArgs: readonly string[] = []): Promise<CliRun> {
  requireBuilt(migratorMain);
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(
      process.execPath,
      [...nodeArgs, '--require', join(here, 'report-peak-rss.cjs'), migratorMain, ...cliArgs],
      { env: childEnvironment({ DATABASE_URL: databaseUrl }), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const rss = stderr
        .split('\n')
        .filter((line) => line.startsWith('{"event":"peak-rss"'))
        .map((line) => (JSON.parse(line) as { maxRssKb: number }).maxRssKb)
        .pop();
      resolvePromise({ code, stdout, stderr, seconds, peakRssMb: rss === undefined ? null : rss / 1024 });
    });
  });
}

type Query = (sql: string) => Promise<unknown>;

async function withDataSource<T>(url: string, work: (query: Query) => Promise<T>): Promise<T> {
  const dataSource = await (await migrationDataSource(parseTarget(url))).initialize();
  try {
    return await work((sql) => dataSource.query(sql));
  } finally {
    await dataSource.destroy();
  }
}

interface Servers {
  urls: Partial<Record<Kind, string>>;
  stop(): Promise<void>;
}

async function servers(kinds: readonly Kind[], given: Partial<Record<Kind, string>>): Promise<Servers> {
  const started: RunningServer[] = [];
  const urls = { ...given };
  if (kinds.includes('postgres') && urls.postgres === undefined) {
    const server = await startPostgres();
    started.push(server);
    urls.postgres = server.url;
  }
  if (kinds.includes('mysql') && urls.mysql === undefined) {
    const server = await startMariaDb();
    started.push(server);
    urls.mysql = server.url;
    // The test server's 64 MiB pool suits tests, not ten million rows.
    await withDataSource(server.url, (query) => query('SET GLOBAL innodb_buffer_pool_size = 1073741824'));
  }
  return {
    urls,
    stop: async () => {
      await Promise.all(started.map((server) => server.stop()));
    },
  };
}

async function freshDatabase(
  kind: Kind,
  urls: Partial<Record<Kind, string>>,
  name: string,
): Promise<{ url: string; drop: () => Promise<unknown> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'steptrail-bench-'));
    return {
      url: `sqlite:${join(dir, `${name}.db`)}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const serverUrl = urls[kind];
  if (serverUrl === undefined) throw new Error(`no ${LABELS[kind]} server`);
  const url = await createDatabase(serverUrl, name);
  return {
    url,
    drop: () =>
      withDataSource(serverUrl, (query) =>
        query(kind === 'postgres' ? `DROP DATABASE ${name} WITH (FORCE)` : `DROP DATABASE ${name}`),
      ),
  };
}

function targetFor(kind: Kind, logs: number): { target: number; targetWhat: string } {
  const end = END_TO_END_TARGET;
  if (kind === end.kind && logs >= end.from && logs <= end.to)
    return { target: end.logsPerSecond, targetWhat: 'end to end at 250k-300k (issue 16)' };
  return { target: TARGETS[kind], targetWhat: 'steady, judged at 1M and 10M' };
}

async function measure(
  kind: Kind,
  logs: number,
  urls: Partial<Record<Kind, string>>,
  options: { batchSize: string | undefined; keep: boolean; cpuProf: string | undefined },
): Promise<BackfillRow> {
  const files = Math.ceil(logs / LOGS_PER_FILE);
  const database = await freshDatabase(kind, urls, `bench_logs_${kind}_${logs}`);
  try {
    let started = Date.now();
    await withDataSource(database.url, async (query) => {
      await generateLegacyDatabase(query, kind, files);
      // A legacy PostgreSQL database has rows autovacuum froze and analyzed long ago; rows inserted a moment ago
      // have no statistics and unset hint bits, which the backfill's first read would pay for on every page.
      // (SQLite never analyzes on its own, and InnoDB keeps its statistics as rows arrive: both stay as written.)
      if (kind === 'postgres') await query('VACUUM (FREEZE, ANALYZE)');
    });
    const generated = (Date.now() - started) / 1000;
    started = Date.now();
    const up = await runCli(['schema', 'up'], database.url);
    if (up.code !== 0) throw new Error(`schema up failed: ${up.stderr}`);
    const schemaSeconds = (Date.now() - started) / 1000;
    const batch = options.batchSize === undefined ? [] : ['--batch-size', options.batchSize];
    const profile = options.cpuProf === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProf}`];
    const run = await runCli(['logs-to-steps', '--json', ...batch], database.url, profile);
    if (run.code !== 0) throw new Error(`logs-to-steps exited ${run.code}: ${run.stderr.slice(-2000)}`);
    const result = JSON.parse(run.stdout) as { totalFiles: number };
    if (result.totalFiles !== files)
      throw new Error(`expected ${files} files, the run reports ${result.totalFiles}`);
    const logsPerSecond = (files * LOGS_PER_FILE) / run.seconds;
    return {
      kind,
      logs: files * LOGS_PER_FILE,
      files,
      generated,
      schemaSeconds,
      seconds: run.seconds,
      logsPerSecond,
      peakRssMb: run.peakRssMb,
      ...targetFor(kind, files * LOGS_PER_FILE),
    };
  } finally {
    if (!options.keep) await database.drop();
  }
}

const ratio = (value: number, target: number) => `${(value / target).toFixed(2)}×`;

export function backfillTable(rows: readonly BackfillRow[]): string {
  const header = [
    'database',
    'log rows',
    'files',
    'fixture s',
    'schema up s',
    'backfill s',
    'logs/s',
    'target',
    'ratio',
    'peak RSS MB',
    'RSS ratio',
  ];
  const lines = rows.map((row) => [
    LABELS[row.kind],
    row.logs.toLocaleString('en-US'),
    row.files.toLocaleString('en-US'),
    row.generated.toFixed(1),
    row.schemaSeconds.toFixed(1),
    row.seconds.toFixed(1),
    Math.round(row.logsPerSecond).toLocaleString('en-US'),
    row.target.toLocaleString('en-US'),
    ratio(row.logsPerSecond, row.target),
    row.peakRssMb === null ? '?' : row.peakRssMb.toFixed(0),
    row.peakRssMb === null ? '?' : `${ratio(row.peakRssMb, RSS_TARGET_MB)} of ${RSS_TARGET_MB}`,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]?.length ?? 0)),
  );
  const format = (cells: readonly string[]) =>
    cells.map((cell, column) => cell.padStart(widths[column] ?? 0)).join('  ');
  return [format(header), ...lines.map(format)].join('\n');
}

export interface BackfillOptions {
  sizes: number[];
  kinds: Kind[];
  batchSize?: string | undefined;
  postgres?: string | undefined;
  mysql?: string | undefined;
  keep?: boolean;
  /** A folder for a CPU profile of each logs-to-steps run (node --cpu-prof). */
  cpuProf?: string | undefined;
}

/** Every size on every database; progress on stderr, the table on stdout. */
export async function runBackfills(options: BackfillOptions): Promise<BackfillRow[]> {
  const environment = readBenchEnvironment();
  const given: Partial<Record<Kind, string>> = {};
  const postgres = options.postgres ?? environment.testPostgresUrl;
  const mysql = options.mysql ?? environment.testMysqlUrl;
  if (postgres !== null) given.postgres = postgres;
  if (mysql !== null) given.mysql = mysql;
  const provided = await servers(options.kinds, given);
  const { urls } = provided;
  const rows: BackfillRow[] = [];
  try {
    for (const kind of options.kinds) {
      for (const logs of options.sizes) {
        console.error(`[bench] ${LABELS[kind]}: ${logs.toLocaleString('en-US')} log rows ...`);
        const row = await measure(kind, logs, urls, {
          batchSize: options.batchSize,
          keep: options.keep ?? false,
          cpuProf: options.cpuProf,
        });
        console.error(
          `[bench]   ${Math.round(row.logsPerSecond).toLocaleString('en-US')} logs/s, peak RSS ${row.peakRssMb?.toFixed(0) ?? '?'} MB`,
        );
        rows.push(row);
      }
    }
  } finally {
    await provided.stop();
  }
  console.log(
    `\nlogs-to-steps (batch size ${options.batchSize ?? 'default'}, ${LOGS_PER_FILE} log rows per file, wall time of the CLI process)`,
  );
  console.log(backfillTable(rows));
  return rows;
}

export const isKind = (name: string): name is Kind => (KINDS as readonly string[]).includes(name);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '1000000,10000000' },
      backends: { type: 'string', default: 'sqlite,postgres,mysql' },
      'batch-size': { type: 'string' },
      postgres: { type: 'string' },
      mysql: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
    },
  });
  const kinds = values.backends.split(',').map((kind) => kind.trim());
  const wrong = kinds.filter((kind) => !isKind(kind));
  if (wrong.length > 0) throw new Error(`unknown backend ${wrong.join(', ')}; allowed: ${KINDS.join(', ')}`);
  await runBackfills({
    sizes: values.sizes.split(',').map(Number),
    kinds: kinds.filter(isKind),
    batchSize: values['batch-size'],
    postgres: values.postgres,
    mysql: values.mysql,
    keep: values.keep,
    cpuProf: values['cpu-prof'],
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  });
}
