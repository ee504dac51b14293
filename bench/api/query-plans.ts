// The query plans of the operator's reads at a given size: the failed list, file search by each filter and sort,
// failure triage and the stuck listing. It seeds a database the way the API benchmark does, runs each read through
// the store (the same SQL the API sends), captures the statements the driver received with their parameters and
// prints the database's own plan of each: EXPLAIN ANALYZE on PostgreSQL, ANALYZE on MariaDB, EXPLAIN QUERY PLAN on
// SQLite; beside each read, its median time through the store (5 runs). Plans show which index serves a read, which
// timings from a busy machine cannot.
//
// Run (servers come from BENCH_POSTGRES_URL / BENCH_MYSQL_URL, or it starts throwaway ones):
//   npx tsx bench/api/query-plans.ts --databases sqlite,postgres,mariadb --files 1000000
import { parseArgs } from 'node:util';
import { systemClock, type FileListQuery, type Store } from '@steptrail/domain';
import { migrateToLatest, migrationDataSource, openStore } from '@steptrail/runtime';
import { startMariaDb, startPostgres, type RunningServer } from '@steptrail/test-servers';
import { captureStatements, normalizeSql } from '../ingest/sql-capture.js';
import {
  DISPLAY,
  growBufferPool,
  isBenchDatabase,
  parseTarget,
  prepareDatabase,
  type BenchDatabase,
} from '../support/databases.js';
import { readBenchEnvironment } from '../config.js';
import { BulkSeeder } from './seed-database.js';
import { seedDialect } from './seed-dialects.js';
import { buildTemplates } from './seed-templates.js';

type DataSource = Awaited<ReturnType<typeof migrationDataSource>>;

const { values } = parseArgs({
  options: {
    databases: { type: 'string', default: 'sqlite,postgres,mariadb' },
    files: { type: 'string', default: '1000000' },
  },
});
const files = Number(values.files);
const databases = values.databases.split(',').filter(isBenchDatabase);

/** The reads an operator's views make, by what the API calls them. */
function reads(store: Store, newestId: number): [string, () => Promise<unknown>][] {
  const list = (query: Partial<FileListQuery>) => () => store.reads.files.list({ limit: 50, ...query });
  const day = 24 * 60 * 60 * 1000;
  const now = systemClock.now().getTime();
  return [
    ['GET /api/files?status=failed', list({ statuses: ['failed'] })],
    ['GET /api/files?status=processing,failed', list({ statuses: ['processing', 'failed'] })],
    [
      'GET /api/files?status=failed (second page)',
      list({ statuses: ['failed'], beforeId: Math.floor(newestId / 2) }),
    ],
    ['GET /api/files?error=timeout', list({ errorText: 'timeout' })],
    ['GET /api/files?step=extract_text (failed there)', list({ failedStep: 'extract_text' })],
    ['GET /api/files?mime=image/png', list({ mimeType: 'image/png' })],
    ['GET /api/files?hash=ab12', list({ hashPrefix: 'ab12' })],
    ['GET /api/files?q=invoice', list({ search: 'invoice' })],
    [
      'GET /api/files?createdFrom=…&createdBefore=… (a day)',
      list({ createdFrom: new Date(now - 2 * day), createdBefore: new Date(now - day) }),
    ],
    ['GET /api/files?sort=updated:desc', list({ sort: { key: 'updated', direction: 'desc' } })],
    [
      'GET /api/files?sort=created:asc&status=failed',
      list({ sort: { key: 'created', direction: 'asc' }, statuses: ['failed'] }),
    ],
    [
      'GET /api/failures (last 7 days)',
      () => store.reads.statistics.failedSteps({ from: new Date(now - 7 * day), to: new Date(now) }, 5000),
    ],
    ['GET /api/counts', () => store.reads.files.countByStatus()],
    [
      'GET /api/stuck',
      () =>
        store.reads.stalls.listStuck({
          silentSince: new Date(now - 10 * 60 * 1000),
          unclaimedSince: new Date(now - 10 * 60 * 1000),
          after: null,
          limit: 51,
        }),
    ],
  ];
}

/** The median time of `runs` calls, after the one that captured the statements warmed the caches. */
async function medianMs(read: () => Promise<unknown>, runs: number): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await read();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] ?? Number.NaN;
}

const explainPrefix: Record<BenchDatabase, string> = {
  postgres: 'EXPLAIN (ANALYZE, BUFFERS OFF) ',
  mariadb: 'ANALYZE ',
  sqlite: 'EXPLAIN QUERY PLAN ',
};

/** The plan of one captured SELECT, as lines of text. */
async function planOf(
  database: BenchDatabase,
  source: DataSource,
  sql: string,
  params: unknown,
): Promise<string[]> {
  const parameters = Array.isArray(params) ? params : [];
  const rows = await source.query<Record<string, unknown>[]>(explainPrefix[database] + sql, parameters);
  if (database === 'postgres') return rows.map((row) => String(row['QUERY PLAN']));
  if (database === 'sqlite')
    return rows.map((row) => `${String(row['id'])}<-${String(row['parent'])} ${String(row['detail'])}`);
  // MariaDB's ANALYZE: one row per table read, the estimate beside what was read (r_rows).
  const text = (value: unknown): string =>
    typeof value === 'string' || typeof value === 'number' ? `${value}` : '-';
  return rows.map(
    (row) =>
      `${text(row['table'])}: type ${text(row['type'])}, key ${text(row['key'])}, rows ${text(row['rows'])}` +
      ` (read ${text(row['r_rows'])}), filtered ${text(row['r_filtered'])} %, ${text(row['Extra'])}`,
  );
}

async function planDatabase(database: BenchDatabase, url: string): Promise<void> {
  const target = parseTarget(url);
  await migrateToLatest(target);
  const source = await (await migrationDataSource(target)).initialize();
  try {
    const seeder = new BulkSeeder(source, seedDialect(target.kind), await buildTemplates(), console.log);
    await seeder.prepare();
    const seconds = await seeder.seed(0, files);
    await seeder.dropTemplates();
    await seeder.settle();
    console.log(`  seeded ${files.toLocaleString('en')} files in ${seconds.toFixed(0)} s`);
    const store = await openStore(target, { poolSize: 2 });
    try {
      for (const [label, read] of reads(store, files)) {
        const statements = await captureStatements(read);
        const took = await medianMs(read, 5);
        console.log(
          `\n### ${DISPLAY[database]}, ${files.toLocaleString('en')} files: ${label} (${took.toFixed(1)} ms, p50 of 5 through the store)`,
        );
        for (const { sql, params } of statements.filter((s) => /^\s*(SELECT|WITH)\b/i.test(s.sql))) {
          console.log(`\n    ${normalizeSql(sql).slice(0, 400)}`);
          for (const line of await planOf(database, source, sql, params)) console.log(`    ${line}`);
        }
      }
    } finally {
      await store.close();
    }
  } finally {
    await source.destroy();
  }
}

async function main(): Promise<void> {
  const environment = readBenchEnvironment();
  const started: RunningServer[] = [];
  const serverUrl = async (database: 'postgres' | 'mariadb'): Promise<string> => {
    const given = database === 'postgres' ? environment.postgres.url : environment.mariadb.url;
    if (given !== null) return given;
    const server = database === 'postgres' ? await startPostgres() : await startMariaDb();
    started.push(server);
    if (database === 'mariadb') await growBufferPool(server.url);
    return server.url;
  };
  try {
    for (const database of databases) {
      const servers = {
        postgres: { url: database === 'postgres' ? await serverUrl('postgres') : null, skip: null },
        mariadb: { url: database === 'mariadb' ? await serverUrl('mariadb') : null, skip: null },
      };
      const prepared = await prepareDatabase(database, servers);
      if (prepared.skip !== undefined) {
        console.log(`== ${DISPLAY[database]}: skipped (${prepared.skip})`);
        continue;
      }
      console.log(`\n== ${DISPLAY[database]}`);
      try {
        await planDatabase(database, prepared.url);
      } finally {
        await prepared.cleanup();
      }
    }
  } finally {
    for (const server of started) await server.stop();
  }
}

await main();
