// `pnpm bench` (after `turbo run build`): runs every benchmark of the project, one after the other, each as a
// child process, against shared throwaway PostgreSQL and MariaDB servers (or the ones BENCH_POSTGRES_URL /
// BENCH_MYSQL_URL name), then prints a summary. Benchmarks measure and report; nothing here asserts a target.
//   npx tsx bench/run.ts [--only api|ingest|migrator|worker[,...]] [--scale smoke|small|full] [--databases sqlite,postgres,mariadb]
// See bench/README.md for what each benchmark measures and how to read the output. The benchmarks are TypeScript
// run by tsx (no build step of their own); what they measure is the built apps and packages.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { findServers, startMariaDb, startPostgres, type ServerKind } from '@steptrail/test-servers';
import { childEnvironment, readBenchEnvironment } from './config.js';
import { growBufferPool } from './support/databases.js';
import { repoRoot as root } from './support/workspace.js';
import type { TargetRow } from './support/report.js';

const reportsDir = join(root, 'bench', 'reports');
const NAMES = ['api', 'ingest', 'migrator', 'worker'];
const SCALES = ['smoke', 'small', 'full'];
const DATABASES = ['sqlite', 'postgres', 'mariadb'] as const;
type Database = (typeof DATABASES)[number];
type ServerDatabase = Exclude<Database, 'sqlite'>;
const LABEL: Record<Database, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL', mariadb: 'MariaDB' };
const backend = (database: Database) => (database === 'mariadb' ? 'mysql' : database);
/** tsx's loader: `node --import <it> file.ts` runs a benchmark's TypeScript as it is. */
const tsx = import.meta.resolve('tsx');

interface CommandContext {
  scale: string;
  /** The databases that have a server in this run. */
  databases: Database[];
  /** Every requested database. */
  requested: Database[];
  urls: Partial<Record<ServerDatabase, string>>;
}

interface Benchmark {
  name: string;
  what: string;
  entries: string[];
  cwd?: string;
  command(entry: string, context: CommandContext): [string, string[]];
}

/**
 * The benchmarks, by fixed entry points (the first that exists is run). `command` gets the scale, the databases
 * that have a server (the others would make a benchmark start servers of its own), all requested databases and
 * the server URLs, and returns the command line that benchmark understands.
 */
const BENCHMARKS: Benchmark[] = [
  {
    name: 'api',
    what: 'GET /api/files/:id/status (beside a bare node:http floor) and the failed-files page at 10k-1M files, vs rebuilding from logs',
    entries: ['bench/api/main.ts'],
    // Every requested database: it prints the runner's reason (BENCH_*_SKIP) for one without a server.
    command: (entry, { scale, requested }) => [
      process.execPath,
      ['--import', tsx, entry, '--scale', scale, '--databases', requested.join(',')],
    ],
  },
  {
    name: 'ingest',
    what: 'step events per second beside the raw driver limit: in-process, HTTP one per request (1/4/16 writers), HTTP batches of 100 and 1,000',
    entries: ['bench/ingest/main.ts'],
    command: (entry, { scale, requested }) => [
      process.execPath,
      ['--import', tsx, entry, '--scale', scale, '--databases', requested.join(',')],
    ],
  },
  {
    name: 'migrator',
    what: 'steptrail-migrate: start to first query on SQLite; logs-to-steps backfill: logs per second and peak RSS',
    entries: ['bench/migrator/main.ts'],
    command: (entry, { scale, databases, urls }) => [
      process.execPath,
      [
        '--import',
        tsx,
        entry,
        '--scale',
        scale,
        '--backends',
        databases.map(backend).join(','),
        ...(urls.postgres ? ['--postgres', urls.postgres] : []),
        ...(urls.mariadb ? ['--mysql', urls.mariadb] : []),
      ],
    ],
  },
  {
    name: 'worker',
    what: 'worker throughput (no-op steps per second) and claim latency with 1 and 4 processes',
    entries: ['packages/worker/bench/throughput.ts'],
    cwd: 'packages/worker',
    // The worker's own `bench` script runs its TypeScript through tsx with the source condition.
    command: (entry, { scale, databases, urls }) => [
      join(root, 'packages', 'worker', 'node_modules', '.bin', 'tsx'),
      [
        '--conditions=@steptrail/source',
        relative(join(root, 'packages', 'worker'), entry),
        `--backends=${databases.map(backend).join(',')}`,
        ...(urls.postgres ? [`--postgres=${urls.postgres}`] : []),
        ...(urls.mariadb ? [`--mysql=${urls.mariadb}`] : []),
        ...(scale === 'small' ? ['--files=200', '--latency-files=50'] : []),
        ...(scale === 'smoke' ? ['--files=20', '--latency-files=5'] : []),
      ],
    ],
  },
];

interface RunOptions {
  only: string[];
  scale: string;
  databases: Database[];
}

const isDatabase = (name: string): name is Database => (DATABASES as readonly string[]).includes(name);

function readOptions(): RunOptions {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', multiple: true },
      scale: { type: 'string', default: 'small' },
      databases: { type: 'string', default: DATABASES.join(',') },
      help: { type: 'boolean', default: false },
    },
  });
  const usage =
    'usage: npx tsx bench/run.ts [--only api|ingest|migrator|worker] [--scale smoke|small|full] [--databases sqlite,postgres,mariadb]';
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const split = (text: string) =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  const only = values.only === undefined ? NAMES : values.only.flatMap(split);
  const databases = split(values.databases);
  const wrong = [
    ...only.filter((name) => !NAMES.includes(name)).map((name) => `unknown benchmark ${name}`),
    ...databases.filter((name) => !isDatabase(name)).map((name) => `unknown database ${name}`),
    ...(SCALES.includes(values.scale) ? [] : [`--scale must be smoke, small or full, not ${values.scale}`]),
  ];
  if (wrong.length > 0) throw new Error(`${wrong.join('\n')}\n${usage}`);
  return { only, scale: values.scale, databases: databases.filter(isDatabase) };
}

interface ProvidedServers {
  urls: Partial<Record<ServerDatabase, string>>;
  skip: Partial<Record<ServerDatabase, string>>;
  notes: Partial<Record<ServerDatabase, string>>;
  stops: (() => Promise<void>)[];
}

const environment = readBenchEnvironment();

/** A server per database: given by BENCH_*_URL, or started here; `skip` says why a database has none. */
async function provideServers(databases: Database[]): Promise<ProvidedServers> {
  const wanted = databases.filter((database): database is ServerDatabase => database !== 'sqlite');
  const servers: ProvidedServers = { urls: {}, skip: {}, notes: {}, stops: [] };
  if (wanted.length === 0) return servers;
  const given = { postgres: environment.postgres.url, mariadb: environment.mariadb.url };
  // STEPTRAIL_TEST_SERVERS (none, postgres, mariadb, …) lets a run pretend a server is not installed, as for tests.
  const allowed = environment.testServers;
  const only =
    allowed === null || allowed === 'all'
      ? null
      : allowed === 'none'
        ? []
        : (allowed.split(',') as ServerKind[]);
  const found = findServers({ only });
  for (const database of wanted) {
    const url = given[database];
    if (url !== null) {
      servers.urls[database] = url;
      servers.notes[database] =
        `given by ${database === 'postgres' ? 'BENCH_POSTGRES_URL' : 'BENCH_MYSQL_URL'}`;
      continue;
    }
    const lookup = found[database];
    if (!lookup.available) {
      servers.skip[database] =
        `${LABEL[database]} unavailable: ${lookup.reason}; install with ${lookup.installHint}`;
      continue;
    }
    const started = Date.now();
    try {
      const server =
        database === 'postgres'
          ? await startPostgres({ database: 'steptrail_bench' })
          : await startMariaDb({ database: 'steptrail_bench' });
      servers.stops.push(server.stop);
      servers.urls[database] = server.url;
      if (database === 'mariadb') await growBufferPool(server.url);
      servers.notes[database] =
        `throwaway server (fsync off), started in ${((Date.now() - started) / 1000).toFixed(1)} s`;
    } catch (error) {
      servers.skip[database] =
        `${LABEL[database]} is installed but did not start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    }
  }
  return servers;
}

const withoutPasswords = (text: string) => text.replace(/(\/\/[^:/@\s]+:)[^@\s]+@/g, '$1***@');

let running: { child: ChildProcess; exited: Promise<unknown> } | null = null;

interface ChildRun {
  code: number | string;
  seconds: number;
  lastParagraph: string;
}

/** Runs one benchmark, echoing its output; resolves with its exit code, duration and last printed paragraph. */
function runChild(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<ChildRun> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolveExit) => child.once('close', resolveExit));
    running = { child, exited };
    let tail = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-6_000);
    });
    let finished = false;
    const done = (code: number | string) => {
      if (finished) return;
      finished = true;
      running = null;
      const paragraphs = tail.replace(/\s+$/, '').split(/\n\s*\n/);
      resolve({
        code,
        seconds: (Date.now() - started) / 1000,
        lastParagraph: paragraphs[paragraphs.length - 1] ?? '',
      });
    };
    child.once('error', (error) => {
      console.log(`could not start ${command}: ${error.message} (is the workspace installed? pnpm install)`);
      done(-1);
    });
    child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown'));
  });
}

interface Report {
  targets?: (TargetRow & { benchmark?: string })[];
  notes?: string[];
}

function readReport(path: string, since: number): Report | null {
  if (!existsSync(path) || statSync(path).mtimeMs < since) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Report;
  } catch {
    return null;
  }
}

function table(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => String(row[column]).length)),
  );
  const line = (row: readonly unknown[]) =>
    row
      .map((cell, column) => String(cell).padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

const duration = (seconds: number) =>
  seconds < 60 ? `${seconds.toFixed(0)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;

interface Result {
  name: string;
  entry: string | null;
  result: string;
  seconds: number | null;
  report: Report | null;
  reportNote: string;
  lastParagraph?: string;
}

function printSummary(
  options: RunOptions,
  servers: ProvidedServers,
  results: Result[],
  seconds: number,
): void {
  console.log(`\n${'='.repeat(100)}\nbenchmark summary: ${options.scale} scale, ${duration(seconds)}`);
  console.log('\ndatabases');
  for (const database of options.databases) {
    const state =
      database === 'sqlite'
        ? 'embedded (temp file per benchmark)'
        : servers.skip[database]
          ? `SKIPPED: ${servers.skip[database]}`
          : servers.notes[database];
    console.log(`  ${LABEL[database].padEnd(11)} ${state}`);
  }
  console.log(
    `\n${table(
      ['benchmark', 'entry point', 'result', 'time', 'figures'],
      results.map((r) => [
        r.name,
        r.entry ?? '-',
        r.result,
        r.seconds === null ? '-' : duration(r.seconds),
        r.reportNote,
      ]),
    )}`,
  );
  const targets = results.flatMap((r) => (r.report?.targets ?? []).map((t) => ({ benchmark: r.name, ...t })));
  if (targets.length > 0) {
    const measured = (t: TargetRow) =>
      t.unit === '×'
        ? `${Number(t.measured).toFixed(2)}×`
        : `${Number(t.measured).toFixed(2)}${t.unit ?? ''}`;
    const verdict = (met: boolean | null | undefined) =>
      met === null || met === undefined ? 'info' : met ? 'met' : 'MISSED';
    console.log(
      `\ntargets (from the JSON reports; measured/target ≤ 1 is good for "≤" targets, ≥ 1 for "≥" targets)\n${table(
        ['benchmark', 'database', 'target', 'wanted', 'measured', 'measured/target', 'verdict'],
        targets.map((t) => [
          t.benchmark,
          t.database,
          t.label,
          t.target,
          measured(t),
          Number(t.ratio).toFixed(2),
          verdict(t.met),
        ]),
      )}`,
    );
  }
  const notes = results.flatMap((r) => (r.report?.notes ?? []).map((note) => `- ${r.name}, ${note}`));
  if (notes.length > 0) console.log(`\nwhy targets were missed (from the reports)\n${notes.join('\n')}`);
  for (const r of results.filter((r) => r.report === null && r.lastParagraph)) {
    console.log(`\n${r.name}: its closing output (it writes no JSON report)\n${r.lastParagraph}`);
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  const started = Date.now();
  const selected = BENCHMARKS.filter((benchmark) => options.only.includes(benchmark.name));
  const plan = selected.map((benchmark) => ({
    benchmark,
    entry: benchmark.entries.map((entry) => join(root, entry)).find(existsSync) ?? null,
  }));
  for (const { benchmark, entry } of plan) {
    const where =
      entry === null ? `MISSING (none of ${benchmark.entries.join(', ')} exists yet)` : relative(root, entry);
    console.log(`${benchmark.name.padEnd(9)} ${where}\n          ${benchmark.what}`);
  }
  const servers = plan.some((p) => p.entry !== null)
    ? await provideServers(options.databases)
    : { urls: {}, skip: {}, notes: {}, stops: [] };
  const stopServers = () => Promise.all(servers.stops.map((stop) => stop().catch(() => undefined)));
  // The running benchmark cleans up after itself on the signal (API process, scratch data); the servers go last.
  const onSignal = (signal: NodeJS.Signals) => {
    const child = running;
    child?.child.kill(signal);
    const childGone = child === null ? Promise.resolve() : Promise.race([child.exited, sleep(25_000)]);
    void childGone.then(stopServers).then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const databases = options.databases.filter((database) => database === 'sqlite' || servers.urls[database]);
  for (const database of ['postgres', 'mariadb'] as const) {
    const reason = servers.skip[database];
    if (reason !== undefined) console.log(`${LABEL[database]} skipped: ${reason}`);
  }
  const results: Result[] = [];
  try {
    for (const { benchmark, entry } of plan) {
      if (entry === null) {
        results.push({
          name: benchmark.name,
          entry: null,
          result: 'missing',
          seconds: null,
          report: null,
          reportNote: 'not written yet',
        });
        continue;
      }
      const reportFile = join(reportsDir, `${benchmark.name}-${options.scale}.json`);
      const env = childEnvironment({
        BENCH_SCALE: options.scale,
        BENCH_DATABASES: databases.join(','),
        BENCH_REPORT_FILE: reportFile,
        BENCH_POSTGRES_URL: servers.urls.postgres ?? '',
        BENCH_MYSQL_URL: servers.urls.mariadb ?? '',
        BENCH_POSTGRES_SKIP: servers.skip.postgres ?? '',
        BENCH_MYSQL_SKIP: servers.skip.mariadb ?? '',
      });
      const [command, args] = benchmark.command(entry, {
        scale: options.scale,
        databases,
        requested: options.databases,
        urls: servers.urls,
      });
      const shown = [
        command === process.execPath ? 'node' : relative(root, command),
        ...args.map((arg) => (arg === tsx ? 'tsx' : arg.startsWith(root) ? relative(root, arg) : arg)),
      ].join(' ');
      console.log(`\n${'='.repeat(100)}\n${benchmark.name}: ${withoutPasswords(shown)}\n`);
      const since = Date.now();
      const run = await runChild(command, args, join(root, benchmark.cwd ?? '.'), env);
      const report = readReport(reportFile, since);
      results.push({
        name: benchmark.name,
        entry: relative(root, entry),
        result: run.code === 0 ? 'ok' : `FAILED (exit ${run.code})`,
        seconds: run.seconds,
        report,
        reportNote: report === null ? 'printed above (no JSON report)' : relative(root, reportFile),
        lastParagraph: run.lastParagraph,
      });
    }
  } finally {
    await stopServers();
  }
  printSummary(options, servers, results, (Date.now() - started) / 1000);
  if (results.some((r) => r.result.startsWith('FAILED'))) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
