// Event ingestion benchmark (measures and reports, never asserts): how many step events per second steptrail
// records, each durably (log row, step row and rollup in one transaction per file), per database:
//   in-process   EventIngestion.record, the use-case every API request ends in, with 1, 4 and 16 writers;
//   HTTP single  POST /api/files/:id/events with an eventId, one keep-alive connection per writer (1, 4, 16);
//   HTTP batch   POST /api/events with 100 and with 1,000 events per request (4 writers).
// Each line is printed beside the in-process figure with the same writers, measured in the same run, as a ratio.
// Run:  node bench/run.mjs --only ingest [--scale small|full]   (starts throwaway servers), or directly with
//       BENCH_POSTGRES_URL / BENCH_MYSQL_URL set:  node bench/ingest/main.mjs --scale small --databases sqlite
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startApi } from '../api/api-process.mjs';
import { DISPLAY, prepareDatabase } from '../api/databases.mjs';
import { importWorkspace } from '../api/workspace.mjs';

const SCALES = { small: 440, full: 22_000 };
const WRITERS = [1, 4, 16];
const BATCH_WRITERS = 4;
const log = (line) => console.log(line);

function readOptions() {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: process.env.BENCH_SCALE ?? 'small' },
      databases: { type: 'string', default: 'sqlite,postgres,mariadb' },
    },
  });
  if (!(values.scale in SCALES)) throw new Error(`--scale must be small or full, not ${values.scale}`);
  const databases = values.databases.split(',').filter((name) => name !== '');
  const unknown = databases.filter((name) => !(name in DISPLAY));
  if (unknown.length > 0)
    throw new Error(`unknown database(s) ${unknown.join(', ')}; allowed: sqlite, postgres, mariadb`);
  const blank = (text) => (text === undefined || text.trim() === '' ? null : text.trim());
  return {
    scale: values.scale,
    events: SCALES[values.scale],
    databases,
    servers: {
      postgres: { url: blank(process.env.BENCH_POSTGRES_URL), skip: blank(process.env.BENCH_POSTGRES_SKIP) },
      mariadb: { url: blank(process.env.BENCH_MYSQL_URL), skip: blank(process.env.BENCH_MYSQL_SKIP) },
    },
  };
}

/**
 * The events of one file, in the order a pipeline reports them: each step of the default workflow started, then
 * finished. Every event changes the step, so every one is a real write (no duplicates, no refusals).
 */
function fileEvents(steps, runId, fileId) {
  return steps.flatMap((stepName) => [
    { stepName, status: 'in_progress', eventId: `${runId}-${fileId}-${stepName}-start` },
    { stepName, status: 'success', eventId: `${runId}-${fileId}-${stepName}-done`, message: 'done' },
  ]);
}

/** Files for `writers` writers with `perWriter` events each; writer w reports its files' events in order. */
function plan(steps, runId, fileIds, writers) {
  return Array.from({ length: writers }, (_, writer) =>
    fileIds
      .filter((_, index) => index % writers === writer)
      .flatMap((fileId) => fileEvents(steps, runId, fileId).map((event) => ({ fileId, ...event }))),
  );
}

async function timed(work) {
  const started = performance.now();
  const events = await work();
  const seconds = (performance.now() - started) / 1000;
  return { events, seconds, perSecond: events / seconds };
}

async function registerFiles(client, count, label) {
  const ids = [];
  for (let index = 0; index < count; index += 1) {
    const name = `${label}-${index}.pdf`;
    const hash = createHash('sha256').update(name).digest('hex');
    const answer = await client.post('/api/files', {
      originalFilename: name,
      filehash: hash,
      fileSize: 1000,
    });
    if (answer.status !== 201) throw new Error(`POST /api/files answered ${answer.status}: ${answer.body}`);
    ids.push(JSON.parse(answer.body).file.id);
  }
  return ids;
}

async function measureDatabase({ domain, runtime, database, prepared, options }) {
  const target = runtime.parseDatabaseUrl(prepared.url, process.cwd());
  if (!target.ok) throw new Error(target.error.message);
  await runtime.migrateToLatest(target.value);
  const api = await startApi(prepared.url, join(prepared.scratch, 'storage'), { scopes: 'read,write' });
  const store = await runtime.openStore(target.value, { poolSize: 20 });
  const ingestion = new domain.EventIngestion({ unitOfWork: store.unitOfWork, clock: domain.systemClock });
  const steps = [...domain.DEFAULT_WORKFLOW_STEPS];
  const filesFor = Math.ceil(options.events / (steps.length * 2));
  const rows = [];
  const inProcess = new Map();
  let run = 0;
  const nextFiles = async (label) => {
    run += 1;
    return registerFiles(api.client, Math.max(filesFor, 16), `${database}-${label}-${run}`);
  };
  try {
    for (const writers of WRITERS) {
      const work = plan(steps, `in${run}`, await nextFiles('in'), writers);
      const figure = await timed(async () => {
        await Promise.all(
          work.map(async (events) => {
            for (const event of events) {
              const result = await ingestion.record(event);
              if (!result.ok) throw new Error(`in-process event refused: ${result.error.message}`);
            }
          }),
        );
        return work.reduce((sum, events) => sum + events.length, 0);
      });
      inProcess.set(writers, figure.perSecond);
      rows.push({ how: 'in-process (EventIngestion)', writers, ...figure, base: figure.perSecond });
    }
    for (const writers of WRITERS) {
      const work = plan(steps, `http${run}`, await nextFiles('http'), writers);
      const clients = work.map(() => api.connect());
      try {
        const figure = await timed(async () => {
          await Promise.all(
            work.map(async (events, writer) => {
              for (const { fileId, ...event } of events) {
                const answer = await clients[writer].post(`/api/files/${fileId}/events`, event);
                if (answer.status !== 201) throw new Error(`event answered ${answer.status}: ${answer.body}`);
              }
            }),
          );
          return work.reduce((sum, events) => sum + events.length, 0);
        });
        rows.push({ how: 'HTTP, one event per request', writers, ...figure, base: inProcess.get(writers) });
      } finally {
        for (const client of clients) client.close();
      }
    }
    for (const size of [100, 1000]) {
      const work = plan(steps, `batch${size}-${run}`, await nextFiles(`batch${size}`), BATCH_WRITERS);
      const clients = work.map(() => api.connect());
      try {
        const figure = await timed(async () => {
          await Promise.all(
            work.map(async (events, writer) => {
              for (let start = 0; start < events.length; start += size) {
                const batch = events.slice(start, start + size);
                const answer = await clients[writer].post('/api/events', { events: batch });
                if (answer.status !== 200) throw new Error(`batch answered ${answer.status}: ${answer.body}`);
                const refused = JSON.parse(answer.body).results.filter(
                  (result) => result.result !== 'applied',
                );
                if (refused.length > 0) throw new Error(`batch refused ${JSON.stringify(refused[0])}`);
              }
            }),
          );
          return work.reduce((sum, events) => sum + events.length, 0);
        });
        rows.push({
          how: `HTTP, batches of ${size}`,
          writers: BATCH_WRITERS,
          ...figure,
          base: inProcess.get(BATCH_WRITERS),
        });
      } finally {
        for (const client of clients) client.close();
      }
    }
  } finally {
    await store.close();
    await api.stop();
  }
  return rows;
}

function table(name, rows) {
  const lines = [
    `${'how'.padEnd(30)} ${'writers'.padStart(7)} ${'events'.padStart(7)} ${'seconds'.padStart(8)} ${'events/s'.padStart(9)}  vs in-process (same writers)`,
  ];
  for (const row of rows) {
    lines.push(
      `${row.how.padEnd(30)} ${String(row.writers).padStart(7)} ${String(row.events).padStart(7)} ` +
        `${row.seconds.toFixed(2).padStart(8)} ${Math.round(row.perSecond).toLocaleString('en').padStart(9)}  ` +
        `${(row.perSecond / row.base).toFixed(2)}x`,
    );
  }
  return `== ${name}\n${lines.join('\n')}`;
}

async function main() {
  const options = readOptions();
  const [domain, runtime, testServers] = await Promise.all([
    importWorkspace('@steptrail/domain'),
    importWorkspace('@steptrail/runtime'),
    importWorkspace('@steptrail/test-servers'),
  ]);
  log(`Event ingestion benchmark, ${options.scale} scale: about ${options.events} events per line`);
  let failed = false;
  for (const database of options.databases) {
    const prepared = await prepareDatabase(database, options, { testServers, runtime });
    if (prepared.skip !== undefined) {
      log(`\n== ${DISPLAY[database]}: skipped (${prepared.skip})`);
      continue;
    }
    try {
      log(
        `\n${table(DISPLAY[database], await measureDatabase({ domain, runtime, database, prepared, options }))}`,
      );
    } catch (error) {
      failed = true;
      log(
        `${DISPLAY[database]} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    } finally {
      await prepared.cleanup();
    }
  }
  if (failed) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
