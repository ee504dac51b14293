// `pnpm bench` (after `turbo run build`): runs every benchmark of the project, one after the other, each as a
// child process, against shared throwaway PostgreSQL and MariaDB servers (or the ones BENCH_POSTGRES_URL /
// BENCH_MYSQL_URL name), then prints a summary. Benchmarks measure and report; nothing here asserts a target.
//   node bench/run.mjs [--only api|ingest|migrator|worker[,...]] [--scale small|full] [--databases sqlite,postgres,mariadb]
// See bench/README.md for what each benchmark measures and how to read the output.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const reportsDir = join(root, 'bench', 'reports');
const NAMES = ['api', 'ingest', 'migrator', 'worker'];
const DATABASES = ['sqlite', 'postgres', 'mariadb'];
const LABEL = { sqlite: 'SQLite', postgres: 'PostgreSQL', mariadb: 'MariaDB' };
const backend = (database) => (database === 'mariadb' ? 'mysql' : database);

/**
 * The benchmarks, by fixed entry points (the first that exists is run). `command` gets the scale, the databases
 * that have a server (the others would make a benchmark start servers of its own), all requested databases and
 * the server URLs, and returns the command line that benchmark understands.
 */
const BENCHMARKS = [
  {
    name: 'api',
    what: 'GET /api/files/:id/status and the failed-files page at 10k-1M files, vs rebuilding from logs',
    entries: ['bench/api/main.mjs'],
    // Every requested database: it prints the runner's reason (BENCH_*_SKIP) for one without a server.
    command: (entry, { scale, requested }) => [
      process.execPath,
      [entry, '--scale', scale, '--databases', requested.join(',')],
    ],
  },
  {
    name: 'ingest',
    what: 'step events per second: in-process, HTTP one per request (1/4/16 writers), HTTP batches of 100 and 1,000',
    entries: ['bench/ingest/main.mjs'],
    command: (entry, { scale, requested }) => [
      process.execPath,
      [entry, '--scale', scale, '--databases', requested.join(',')],
    ],
  },
  {
    name: 'migrator',
    what: 'logs-to-steps backfill: logs per second and peak RSS on legacy DocuElevate databases',
    entries: ['bench/migrator/logs-to-steps.mjs', 'bench/migrator/main.mjs'],
    command: (entry, { scale, databases, urls }) => [
      process.execPath,
      [
        entry,
        '--backends',
        databases.map(backend).join(','),
        ...(urls.postgres ? ['--postgres', urls.postgres] : []),
        ...(urls.mariadb ? ['--mysql', urls.mariadb] : []),
        ...(scale === 'small' ? ['--sizes', '100000'] : []),
      ],
    ],
  },
  {
    name: 'worker',
    what: 'worker throughput (no-op steps per second) and claim latency with 1 and 4 processes',
    entries: ['apps/worker/bench/throughput.ts'],
    cwd: 'apps/worker',
    // The worker's own `bench` script runs its TypeScript through tsx with the source condition.
    command: (entry, { scale, databases, urls }) => [
      join(root, 'apps', 'worker', 'node_modules', '.bin', 'tsx'),
      [
        '--conditions=@steptrail/source',
        relative(join(root, 'apps', 'worker'), entry),
        `--backends=${databases.map(backend).join(',')}`,
        ...(urls.postgres ? [`--postgres=${urls.postgres}`] : []),
        ...(urls.mariadb ? [`--mysql=${urls.mariadb}`] : []),
        ...(scale === 'small' ? ['--files=200', '--latency-files=50'] : []),
      ],
    ],
  },
];

function readOptions() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', multiple: true },
      scale: { type: 'string', default: 'small' },
      databases: { type: 'string', default: DATABASES.join(',') },
      help: { type: 'boolean', default: false },
    },
  });
  const usage =
    'usage: node bench/run.mjs [--only api|ingest|migrator|worker] [--scale small|full] [--databases sqlite,postgres,mariadb]';
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const split = (text) =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  const only = values.only === undefined ? NAMES : values.only.flatMap(split);
  const databases = split(values.databases);
  const wrong = [
    ...only.filter((name) => !NAMES.includes(name)).map((name) => `unknown benchmark ${name}`),
    ...databases.filter((name) => !DATABASES.includes(name)).map((name) => `unknown database ${name}`),
    ...(['small', 'full'].includes(values.scale)
      ? []
      : [`--scale must be small or full, not ${values.scale}`]),
  ];
  if (wrong.length > 0) throw new Error(`${wrong.join('\n')}\n${usage}`);
  return { only, scale: values.scale, databases };
}

// The runner lives outside the workspace packages: test-servers and its mysql2 are loaded from its own folder.
const fromTestServers = createRequire(join(root, 'packages', 'test-servers', 'package.json'));
const load = (specifier) => import(pathToFileURL(fromTestServers.resolve(specifier)).href);

/** A server per database: given by BENCH_*_URL, or started here; `skip` says why a database has none. */
async function provideServers(databases) {
  const wanted = databases.filter((database) => database !== 'sqlite');
  const servers = { urls: {}, skip: {}, notes: {}, stops: [] };
  if (wanted.length === 0) return servers;
  const given = {
    postgres: process.env.BENCH_POSTGRES_URL?.trim() || null,
    mariadb: process.env.BENCH_MYSQL_URL?.trim() || null,
  };
  const testServers = await load('@steptrail/test-servers').catch((error) => {
    throw new Error('packages/test-servers is not built; run "npx -y pnpm@10.34.8 build"', { cause: error });
  });
  // STEPTRAIL_TEST_SERVERS (none, postgres, mariadb, …) lets a run pretend a server is not installed, as for tests.
  const allowed = process.env.STEPTRAIL_TEST_SERVERS?.trim();
  const only = !allowed || allowed === 'all' ? null : allowed === 'none' ? [] : allowed.split(',');
  const found = testServers.findServers({ only });
  for (const database of wanted) {
    if (given[database] !== null) {
      servers.urls[database] = given[database];
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
          ? await testServers.startPostgres({ database: 'steptrail_bench' })
          : await testServers.startMariaDb({ database: 'steptrail_bench' });
      servers.stops.push(server.stop);
      servers.urls[database] = server.url;
      if (database === 'mariadb') await growBufferPool(server.url);
      servers.notes[database] =
        `throwaway server (fsync off), started in ${((Date.now() - started) / 1000).toFixed(1)} s`;
    } catch (error) {
      servers.skip[database] =
        `${LABEL[database]} is installed but did not start: ${error instanceof Error ? error.message.split('\n')[0] : error}`;
    }
  }
  return servers;
}

/** The test server's 64 MiB InnoDB buffer pool suits tests, not millions of rows; resized online. */
async function growBufferPool(url) {
  const mysql = (await load('mysql2/promise')).default;
  const parsed = new URL(url);
  const connection = await mysql.createConnection({
    host: parsed.hostname,
    port: Number(parsed.port),
    user: decodeURIComponent(parsed.username),
  });
  try {
    await connection.query('SET GLOBAL innodb_buffer_pool_size = 1073741824');
  } finally {
    await connection.end();
  }
}

const withoutPasswords = (text) => text.replace(/(\/\/[^:/@\s]+:)[^@\s]+@/g, '$1***@');

let running = null;

/** Runs one benchmark, echoing its output; resolves with its exit code, duration and last printed paragraph. */
function runChild(command, args, cwd, env) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolveExit) => child.once('close', resolveExit));
    running = { child, exited };
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-6_000);
    });
    let finished = false;
    const done = (code) => {
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
    child.once('exit', (code, signal) => done(code ?? signal));
  });
}

function readReport(path, since) {
  if (!existsSync(path) || statSync(path).mtimeMs < since) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

function table(header, rows) {
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => String(row[column]).length)),
  );
  const line = (row) =>
    row
      .map((cell, column) => String(cell).padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

const duration = (seconds) =>
  seconds < 60 ? `${seconds.toFixed(0)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;

function printSummary(options, servers, results, seconds) {
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
    const measured = (t) =>
      t.unit === '×'
        ? `${Number(t.measured).toFixed(2)}×`
        : `${Number(t.measured).toFixed(2)}${t.unit ?? ''}`;
    const verdict = (met) => (met === null || met === undefined ? 'info' : met ? 'met' : 'MISSED');
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

async function main() {
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
  const onSignal = (signal) => {
    const child = running;
    child?.child.kill(signal);
    const childGone = child === null ? Promise.resolve() : Promise.race([child.exited, sleep(25_000)]);
    void childGone.then(stopServers).then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const databases = options.databases.filter((database) => database === 'sqlite' || servers.urls[database]);
  for (const [database, reason] of Object.entries(servers.skip))
    console.log(`${LABEL[database]} skipped: ${reason}`);
  const results = [];
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
      const env = {
        ...process.env,
        BENCH_SCALE: options.scale,
        BENCH_DATABASES: databases.join(','),
        BENCH_REPORT_FILE: reportFile,
        BENCH_POSTGRES_URL: servers.urls.postgres ?? '',
        BENCH_MYSQL_URL: servers.urls.mariadb ?? '',
        BENCH_POSTGRES_SKIP: servers.skip.postgres ?? '',
        BENCH_MYSQL_SKIP: servers.skip.mariadb ?? '',
      };
      const [command, args] = benchmark.command(entry, {
        scale: options.scale,
        databases,
        requested: options.databases,
        urls: servers.urls,
      });
      const shown = [command === process.execPath ? 'node' : relative(root, command), ...args].join(' ');
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

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
