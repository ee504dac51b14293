// Benchmark (not a test): logs per second and peak RSS of `steptrail-migrate logs-to-steps` on legacy
// DocuElevate databases of 1M and 10M log rows, per database. Run from the repository root after a build:
//   node bench/migrator/logs-to-steps.mjs [--sizes 1000000,10000000] [--backends sqlite,postgres,mysql]
//     [--batch-size N (default: the CLI's)] [--postgres URL] [--mysql URL] [--keep]
// Without --postgres/--mysql (or TEST_POSTGRES_URL/TEST_MYSQL_URL) it starts throwaway servers from
// @steptrail/test-servers (fsync off); a started MariaDB gets a 1 GiB buffer pool for the run.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { generateLegacyDatabase, LOGS_PER_FILE } from '../../apps/migrator/scripts/docuelevate-fixture.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const main = join(root, 'apps', 'migrator', 'dist', 'main.js');
// The bench lives outside the workspace packages: resolve the workspace's code the way the migrator does.
const fromMigrator = createRequire(join(root, 'apps', 'migrator', 'package.json'));
const load = (name) => import(pathToFileURL(fromMigrator.resolve(name)).href);

const TARGETS = { sqlite: 200_000, postgres: 200_000, mysql: 100_000 };
const RSS_TARGET_MB = 256;
const LABELS = { sqlite: 'SQLite', postgres: 'PostgreSQL', mysql: 'MariaDB' };

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000000,10000000' },
    backends: { type: 'string', default: 'sqlite,postgres,mysql' },
    'batch-size': { type: 'string' },
    postgres: { type: 'string' },
    mysql: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});

const { migrationDataSource, parseDatabaseUrl } = await load('@steptrail/runtime');
const { createDatabase, startMariaDb, startPostgres } = await load('@steptrail/test-servers');

/** Runs the CLI; resolves with its exit code, stdout, wall time and the peak RSS its preload reported. */
function runCli(cliArgs, databaseUrl) {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(
      process.execPath,
      ['--require', join(here, 'report-peak-rss.cjs'), main, ...cliArgs],
      {
        env: { ...process.env, DATABASE_URL: databaseUrl },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const rss = stderr
        .split('\n')
        .filter((line) => line.startsWith('{"event":"peak-rss"'))
        .map((line) => JSON.parse(line).maxRssKb)
        .pop();
      resolvePromise({ code, stdout, stderr, seconds, peakRssMb: rss === undefined ? null : rss / 1024 });
    });
  });
}

async function withDataSource(url, work) {
  const target = parseDatabaseUrl(url, process.cwd());
  if (!target.ok) throw new Error(target.error.message);
  const dataSource = await (await migrationDataSource(target.value)).initialize();
  try {
    return await work((sql) => dataSource.query(sql));
  } finally {
    await dataSource.destroy();
  }
}

async function servers(kinds) {
  const started = [];
  const urls = {
    postgres: args.postgres ?? process.env.TEST_POSTGRES_URL ?? null,
    mysql: args.mysql ?? process.env.TEST_MYSQL_URL ?? null,
  };
  if (kinds.includes('postgres') && urls.postgres === null) {
    const server = await startPostgres();
    started.push(server);
    urls.postgres = server.url;
  }
  if (kinds.includes('mysql') && urls.mysql === null) {
    const server = await startMariaDb();
    started.push(server);
    urls.mysql = server.url;
    // The test server's 64 MiB pool suits tests, not ten million rows.
    await withDataSource(server.url, (query) => query('SET GLOBAL innodb_buffer_pool_size = 1073741824'));
  }
  return { urls, stop: () => Promise.all(started.map((server) => server.stop())) };
}

async function freshDatabase(kind, urls, name) {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'steptrail-bench-'));
    return {
      url: `sqlite:${join(dir, `${name}.db`)}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const url = await createDatabase(urls[kind], name);
  return {
    url,
    drop: () =>
      withDataSource(urls[kind], (query) =>
        query(kind === 'postgres' ? `DROP DATABASE ${name} WITH (FORCE)` : `DROP DATABASE ${name}`),
      ),
  };
}

async function measure(kind, logs, urls) {
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
    const batch = args['batch-size'] === undefined ? [] : ['--batch-size', args['batch-size']];
    const run = await runCli(['logs-to-steps', '--json', ...batch], database.url);
    if (run.code !== 0) throw new Error(`logs-to-steps exited ${run.code}: ${run.stderr.slice(-2000)}`);
    const result = JSON.parse(run.stdout);
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
    };
  } finally {
    if (!args.keep) await database.drop();
  }
}

const ratio = (value, target) => `${(value / target).toFixed(2)}×`;

function print(rows) {
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
    TARGETS[row.kind].toLocaleString('en-US'),
    ratio(row.logsPerSecond, TARGETS[row.kind]),
    row.peakRssMb === null ? '?' : row.peakRssMb.toFixed(0),
    row.peakRssMb === null ? '?' : `${ratio(row.peakRssMb, RSS_TARGET_MB)} of ${RSS_TARGET_MB}`,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column].length)),
  );
  const format = (cells) => cells.map((cell, column) => cell.padStart(widths[column])).join('  ');
  console.log(format(header));
  for (const line of lines) console.log(format(line));
}

const kinds = args.backends.split(',').map((kind) => kind.trim());
const sizes = args.sizes.split(',').map(Number);
const { urls, stop } = await servers(kinds);
const rows = [];
try {
  for (const kind of kinds) {
    for (const logs of sizes) {
      console.error(`[bench] ${LABELS[kind]}: ${logs.toLocaleString('en-US')} log rows ...`);
      const row = await measure(kind, logs, urls);
      console.error(
        `[bench]   ${Math.round(row.logsPerSecond).toLocaleString('en-US')} logs/s, peak RSS ${row.peakRssMb?.toFixed(0)} MB`,
      );
      rows.push(row);
    }
  }
} finally {
  await stop();
}
console.log(
  `\nlogs-to-steps (batch size ${args['batch-size'] ?? 'default'}, ${LOGS_PER_FILE} log rows per file, wall time of the CLI process)`,
);
print(rows);
