// Event ingestion benchmark (measures and reports, never asserts): how many step events per second steptrail
// records, each durably (log row, step row and rollup in one transaction), per database, each beside the raw limit:
//   raw          the same SQL statements steptrail sends for an event (captured from it in this run), replayed by
//                a bare driver loop (pg, mysql2, better-sqlite3; no TypeORM, no domain), 1, 4 and 16 writers;
//   in-process   StepTracker.updateStepStatus, with 1, 4 and 16 writers;
//   HTTP single  POST /api/files/:id/events with an eventId, one keep-alive connection per writer (1, 4, 16);
//   HTTP batch   POST /api/events with 100 and with 1,000 events per request (4 writers), beside the raw loop with
//                one file's events (16 with the default workflow) per transaction, as a batch writes them.
// Each line prints its ratio to the raw figure with the same writers, measured in the same run; the HTTP single
// line shows the bare node:http floor for the same request too. Then the rollup reconciler's cost on in-process
// events: its loop on and off, alternating segment by segment (reconciler-overhead.ts). The API runs no reconciler
// (RECONCILE_INTERVAL_MS=0), so the other lines measure the write path alone and capture only its statements.
// Run:  npx tsx bench/run.ts --only ingest [--scale smoke|small|full]   (starts throwaway servers), or directly
//       with BENCH_POSTGRES_URL / BENCH_MYSQL_URL set:  npx tsx bench/ingest/main.ts --scale small --databases sqlite
//       [--cpu-prof DIR: a CPU profile of each API process; `node --cpu-prof --import tsx bench/ingest/main.ts …`
//       profiles the in-process and raw lines]
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_WORKFLOW_STEPS,
  EventIngestion,
  StepTracker,
  systemClock,
  type Store,
} from '@steptrail/domain';
import { migrateToLatest, openStore } from '@steptrail/runtime';
import { readBenchEnvironment } from '../config.js';
import { startApi, type RunningApi } from '../support/api-process.js';
import {
  DATABASES,
  DISPLAY,
  isBenchDatabase,
  parseTarget,
  prepareDatabase,
  type BenchDatabase,
  type Servers,
} from '../support/databases.js';
import type { KeepAliveClient } from '../support/http-client.js';
import { startFloor } from '../support/http-floor.js';
import { atLeast, atMost, table, targetTable, writeReport, type TargetRow } from '../support/report.js';
import { repoRoot } from '../support/workspace.js';
import { batchGroups, captureBatchTransactions, replayBatches } from './batch-replay.js';
import { rawDriver, replay, type CapturedEvent, type RawEvent } from './raw-loop.js';
import { measureReconcilerOverhead, type OverheadFigures } from './reconciler-overhead.js';
import { captureSql, normalizeSql } from './sql-capture.js';

const SCALES: Record<string, number> = { smoke: 44, small: 440, full: 22_000 };
/** Segments per mode of the reconciler-overhead line, each one line's events. */
const OVERHEAD_SEGMENTS: Record<string, number> = { smoke: 1, small: 4, full: 3 };
const OVERHEAD_WRITERS = 4;
/** Issue 12: the reconciler may slow steptrail's own writes by at most 5 %. */
const RECONCILER_OVERHEAD_PERCENT = 5;
const WRITERS = [1, 4, 16];
const BATCH_WRITERS = 4;
const BATCH_SIZES = [100, 1000];
/** Issue 16's targets. */
const IN_PROCESS_SHARE_OF_RAW = 0.8;
const BATCHED_EVENTS_PER_SECOND_POSTGRES = 6_000;
const log = (line: string) => console.log(line);

interface Options {
  scale: string;
  events: number;
  databases: BenchDatabase[];
  servers: Servers;
  reportFile: string;
  /** A folder for a CPU profile of each API process (node --cpu-prof). */
  cpuProf: string | undefined;
}

function readOptions(): Options {
  const environment = readBenchEnvironment();
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: environment.scale ?? 'small' },
      databases: { type: 'string', default: DATABASES.join(',') },
      report: { type: 'string' },
      'cpu-prof': { type: 'string' },
    },
  });
  const events = SCALES[values.scale];
  if (events === undefined) throw new Error(`--scale must be smoke, small or full, not ${values.scale}`);
  const databases = values.databases.split(',').filter((name) => name !== '');
  const unknown = databases.filter((name) => !isBenchDatabase(name));
  if (unknown.length > 0)
    throw new Error(`unknown database(s) ${unknown.join(', ')}; allowed: sqlite, postgres, mariadb`);
  return {
    scale: values.scale,
    events,
    databases: databases.filter(isBenchDatabase),
    servers: { postgres: environment.postgres, mariadb: environment.mariadb },
    cpuProf: values['cpu-prof'],
    reportFile:
      values.report ??
      environment.reportFile ??
      join(repoRoot, 'bench', 'reports', `ingest-${values.scale}.json`),
  };
}

interface PlannedEvent extends RawEvent {
  eventId: string;
}

/**
 * The events of one file, in the order a pipeline reports them: each step of the default workflow started, then
 * finished. Every event changes the step, so every one is a real write (no duplicates, no refusals).
 */
function fileEvents(steps: readonly string[], runId: string, fileId: number): PlannedEvent[] {
  return steps.flatMap((stepName) => [
    { fileId, stepName, status: 'in_progress', eventId: `${runId}-${fileId}-${stepName}-start`, first: true },
    {
      fileId,
      stepName,
      status: 'success',
      eventId: `${runId}-${fileId}-${stepName}-done`,
      message: 'done',
      first: false,
    },
  ]);
}

/** Writer w reports the events of files w, w+writers, ... in order. */
function plan(steps: readonly string[], runId: string, fileIds: number[], writers: number): PlannedEvent[][] {
  return Array.from({ length: writers }, (_, writer) =>
    fileIds
      .filter((_, index) => index % writers === writer)
      .flatMap((fileId) => fileEvents(steps, runId, fileId)),
  );
}

const count = (work: PlannedEvent[][]) => work.reduce((sum, events) => sum + events.length, 0);

interface Figure {
  events: number;
  seconds: number;
  perSecond: number;
}

async function timed(events: number, work: () => Promise<unknown>): Promise<Figure> {
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  return { events, seconds, perSecond: events / seconds };
}

async function registerFiles(client: KeepAliveClient, total: number, label: string): Promise<number[]> {
  const ids: number[] = [];
  for (let index = 0; index < total; index += 1) {
    const name = `${label}-${index}.pdf`;
    const hash = createHash('sha256').update(name).digest('hex');
    const answer = await client.post('/api/files', {
      originalFilename: name,
      filehash: hash,
      fileSize: 1000,
    });
    if (answer.status !== 201) throw new Error(`POST /api/files answered ${answer.status}: ${answer.body}`);
    ids.push((JSON.parse(answer.body) as { file: { id: number } }).file.id);
  }
  return ids;
}

interface Row {
  how: string;
  writers: number;
  figure: Figure;
  /** The raw figure it is compared with, and what that raw line is. */
  raw: number;
  rawWhat: string;
}

/** The statements steptrail sends for a step's first and a later event (and on opening a connection). */
async function captureEvent(
  url: string,
  tracker: StepTracker,
  fileId: number,
  step: string,
): Promise<CapturedEvent> {
  const session: string[] = [];
  const opened = await captureSql(async () => {
    const probe = await openStore(parseTarget(url), { poolSize: 1 });
    await probe.close();
  });
  session.push(...opened.filter((sql) => /^(PRAGMA|SET)\b/i.test(normalizeSql(sql))));
  const write = (status: string) => async () => {
    const result = await tracker.updateStepStatus(fileId, step, status, { message: 'capture' });
    if (!result.ok) throw new Error(`capture event refused: ${result.error.message}`);
  };
  const first = await captureSql(write('in_progress'));
  const later = await captureSql(write('success'));
  return { session: [...new Set(session)], first, later };
}

async function measureDatabase(
  database: BenchDatabase,
  prepared: { url: string; scratch: string },
  options: Options,
): Promise<{
  rows: Row[];
  captured: CapturedEvent;
  batchTransaction: string[];
  floor: { api: number; floor: number };
  overhead: OverheadFigures;
}> {
  const target = parseTarget(prepared.url);
  await migrateToLatest(target);
  const api: RunningApi = await startApi(prepared.url, join(prepared.scratch, 'storage'), {
    scopes: 'read,write',
    nodeArgs: options.cpuProf === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProf}`],
    env: { RECONCILE_INTERVAL_MS: '0' },
  });
  const store: Store = await openStore(target, { poolSize: 20 });
  const tracker = new StepTracker({ unitOfWork: store.unitOfWork, clock: systemClock });
  const ingestion = new EventIngestion({ unitOfWork: store.unitOfWork, clock: systemClock });
  const steps = [...DEFAULT_WORKFLOW_STEPS];
  const filesFor = Math.ceil(options.events / (steps.length * 2));
  let run = 0;
  const nextFiles = async (label: string) => {
    run += 1;
    return registerFiles(api.client, Math.max(filesFor, 16), `${database}-${label}-${run}`);
  };
  const [captureFile] = await nextFiles('capture');
  const captured = await captureEvent(prepared.url, tracker, captureFile ?? 0, steps[0] ?? '');
  const driverTarget = target.kind === 'sqlite' ? { path: target.path } : { url: target.url };
  const driver = rawDriver(database, driverTarget, Math.max(...WRITERS), captured.session);
  const rows: Row[] = [];
  const rawAt = new Map<string, number>();
  const measureRaw = async (writers: number, perTransaction: number) => {
    const fileIds = await nextFiles('raw');
    const before = await driver.countLogs(fileIds);
    const work = plan(steps, `raw${run}`, fileIds, writers);
    const figure = await timed(count(work), () =>
      Promise.all(work.map((events) => replay(driver, captured, events, perTransaction))),
    );
    const written = (await driver.countLogs(fileIds)) - before;
    if (written !== figure.events)
      throw new Error(
        `the raw loop wrote ${written} log rows for ${figure.events} events; its statements:\n${captured.first.join('\n')}`,
      );
    return figure;
  };
  /** The batch endpoint's own statements for `size` events a request, captured and replayed (batch-replay.ts). */
  const measureRawBatches = async (size: number) => {
    const captured = await captureBatchTransactions(
      ingestion,
      plan(steps, `capture${size}-${run}`, await nextFiles(`capture${size}`), BATCH_WRITERS),
      size,
    );
    const fileIds = await nextFiles(`raw${size}`);
    const work = plan(steps, `rawbatch${size}-${run}`, fileIds, BATCH_WRITERS);
    const before = await driver.countLogs(fileIds);
    const figure = await timed(count(work), () =>
      Promise.all(
        work.map((events, writer) =>
          replayBatches(driver, captured[writer] ?? [], batchGroups(events, size)),
        ),
      ),
    );
    const written = (await driver.countLogs(fileIds)) - before;
    if (written !== figure.events)
      throw new Error(`the raw batch replay wrote ${written} log rows for ${figure.events} events`);
    return { figure, transaction: captured[0]?.[0] ?? [] };
  };
  let batchTransaction: string[] = [];
  let floorFigures = { api: Number.NaN, floor: Number.NaN };
  let overhead: OverheadFigures | undefined;
  try {
    for (const writers of WRITERS) {
      const raw = await measureRaw(writers, 1);
      rawAt.set(`${writers}x1`, raw.perSecond);
      const rawWhat = `raw, ${writers} writer(s), 1 event/tx`;
      rows.push({
        how: 'raw driver loop, 1 event/transaction',
        writers,
        figure: raw,
        raw: raw.perSecond,
        rawWhat,
      });
      const work = plan(steps, `in${run}`, await nextFiles('in'), writers);
      const inProcess = await timed(count(work), () =>
        Promise.all(
          work.map(async (events) => {
            for (const event of events) {
              const result = await tracker.updateStepStatus(event.fileId, event.stepName, event.status, {
                ...(event.message === undefined ? {} : { message: event.message }),
              });
              if (!result.ok) throw new Error(`in-process event refused: ${result.error.message}`);
            }
          }),
        ),
      );
      rows.push({ how: 'in-process (StepTracker)', writers, figure: inProcess, raw: raw.perSecond, rawWhat });
    }
    overhead = await measureReconcilerOverhead({
      store,
      segments: OVERHEAD_SEGMENTS[options.scale] ?? 1,
      nextSegment: async () => plan(steps, `rec${run}`, await nextFiles('reconciler'), OVERHEAD_WRITERS),
    });
    for (const writers of WRITERS) {
      const work = plan(steps, `http${run}`, await nextFiles('http'), writers);
      const clients = work.map(() => api.connect());
      try {
        const figure = await timed(count(work), () =>
          Promise.all(
            work.map(async (events, writer) => {
              const client = clients[writer];
              if (client === undefined) throw new Error('no client');
              for (const { fileId, stepName, status, eventId, message } of events) {
                const body = { stepName, status, eventId, ...(message === undefined ? {} : { message }) };
                const answer = await client.post(`/api/files/${fileId}/events`, body);
                if (answer.status !== 201) throw new Error(`event answered ${answer.status}: ${answer.body}`);
              }
            }),
          ),
        );
        const raw = rawAt.get(`${writers}x1`) ?? Number.NaN;
        rows.push({
          how: 'HTTP, one event per request',
          writers,
          figure,
          raw,
          rawWhat: `raw, ${writers} writer(s), 1 event/tx`,
        });
      } finally {
        for (const client of clients) client.close();
      }
    }
    floorFigures = await httpFloor(api, await nextFiles('floor'), steps);
    const rawGrouped = await measureRaw(BATCH_WRITERS, steps.length * 2);
    rows.push({
      how: `raw driver loop, ${steps.length * 2} events/transaction`,
      writers: BATCH_WRITERS,
      figure: rawGrouped,
      raw: rawGrouped.perSecond,
      rawWhat: `raw, ${BATCH_WRITERS} writers, ${steps.length * 2} events/tx`,
    });
    for (const size of BATCH_SIZES) {
      const rawBatch = await measureRawBatches(size);
      if (batchTransaction.length === 0) batchTransaction = rawBatch.transaction;
      const rawBatchWhat = `raw, ${BATCH_WRITERS} writers, the batch's own SQL, ${size} events/request`;
      rows.push({
        how: `raw replay of the batch's SQL, ${size}/request`,
        writers: BATCH_WRITERS,
        figure: rawBatch.figure,
        raw: rawBatch.figure.perSecond,
        rawWhat: rawBatchWhat,
      });
      const work = plan(steps, `batch${size}-${run}`, await nextFiles(`batch${size}`), BATCH_WRITERS);
      const clients = work.map(() => api.connect());
      try {
        const figure = await timed(count(work), () =>
          Promise.all(
            work.map(async (events, writer) => {
              const client = clients[writer];
              if (client === undefined) throw new Error('no client');
              for (let start = 0; start < events.length; start += size) {
                const batch = events.slice(start, start + size).map(({ first: _first, ...event }) => event);
                const answer = await client.post('/api/events', { events: batch });
                if (answer.status !== 200) throw new Error(`batch answered ${answer.status}: ${answer.body}`);
                const refused = (JSON.parse(answer.body) as { results: { result: string }[] }).results.filter(
                  (result) => result.result !== 'applied',
                );
                if (refused.length > 0) throw new Error(`batch refused ${JSON.stringify(refused[0])}`);
              }
            }),
          ),
        );
        rows.push({
          how: `HTTP, batches of ${size}`,
          writers: BATCH_WRITERS,
          figure,
          raw: rawBatch.figure.perSecond,
          rawWhat: rawBatchWhat,
        });
      } finally {
        for (const client of clients) client.close();
      }
    }
  } finally {
    await driver.close();
    await store.close();
    await api.stop();
  }
  if (overhead === undefined) throw new Error('the reconciler overhead was not measured');
  return { rows, captured, batchTransaction, floor: floorFigures, overhead };
}

/**
 * One event per request, one writer, p50 latency: the API against a bare node:http server answering the API's own
 * bytes for the same request, with the same client, alternating request by request.
 */
async function httpFloor(
  api: RunningApi,
  fileIds: number[],
  steps: readonly string[],
): Promise<{ api: number; floor: number }> {
  const events = fileIds.flatMap((fileId) => fileEvents(steps, 'floor', fileId));
  const client = api.connect();
  const body = ({ stepName, status, eventId, message }: PlannedEvent) => ({
    stepName,
    status,
    eventId,
    ...(message === undefined ? {} : { message }),
  });
  const [head, ...rest] = events;
  if (head === undefined) throw new Error('no events for the floor');
  const sample = await client.post(`/api/files/${head.fileId}/events`, body(head));
  const floor = await startFloor(sample.status, sample.body);
  const apiMs: number[] = [];
  const floorMs: number[] = [];
  try {
    for (const event of rest) {
      const path = `/api/files/${event.fileId}/events`;
      const answer = await client.post(path, body(event));
      if (answer.status !== 201) throw new Error(`event answered ${answer.status}: ${answer.body}`);
      apiMs.push(answer.ms);
      floorMs.push((await floor.client.post(path, body(event))).ms);
    }
  } finally {
    client.close();
    await floor.stop();
  }
  const p50 = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  return { api: p50(apiMs), floor: p50(floorMs) };
}

function printTable(name: string, rows: readonly Row[]): string {
  return `== ${name}\n${table(
    ['how', 'writers', 'events', 'seconds', 'events/s', 'raw events/s', 'vs raw', 'compared with'],
    rows.map((row) => [
      row.how,
      row.writers,
      row.figure.events,
      row.figure.seconds.toFixed(2),
      Math.round(row.figure.perSecond).toLocaleString('en'),
      Math.round(row.raw).toLocaleString('en'),
      `${(row.figure.perSecond / row.raw).toFixed(2)}x`,
      row.how.startsWith('raw') ? '-' : row.rawWhat,
    ]),
  )}\nHTTP one event per request sends an eventId (what a client retrying safely sends): a receipt read and write on top of the raw loop's statements.`;
}

function printOverhead(figures: OverheadFigures): string {
  const line = (mode: string, figure: OverheadFigures['on']) => [
    mode,
    figure.events,
    figure.seconds.toFixed(2),
    Math.round(figure.perSecond).toLocaleString('en'),
  ];
  return `in-process events with the rollup reconciler's loop running in the same process vs without it, ${figures.writers} writers, ${figures.segments} segments each, alternating:\n${table(
    ['reconciler', 'events', 'seconds', 'events/s'],
    [line('off', figures.off), line('on', figures.on)],
  )}\non/off ${(figures.on.perSecond / figures.off.perSecond).toFixed(3)}x: the reconciler costs ${figures.overheadPercent.toFixed(1)} % (target ≤ ${RECONCILER_OVERHEAD_PERCENT} %)`;
}

function targets(database: BenchDatabase, rows: readonly Row[], overhead: OverheadFigures): TargetRow[] {
  const judged: TargetRow[] = [
    atMost(
      database,
      `reconciler overhead on in-process events, ${overhead.writers} writers`,
      overhead.overheadPercent,
      RECONCILER_OVERHEAD_PERCENT,
      ' %',
      'alternating on/off segments',
    ),
  ];
  for (const row of rows.filter((r) => r.how.startsWith('in-process'))) {
    judged.push(
      atLeast(
        database,
        `in-process events/s vs raw, ${row.writers} writer(s)`,
        row.figure.perSecond / row.raw,
        IN_PROCESS_SHARE_OF_RAW,
      ),
    );
  }
  for (const row of rows.filter((r) => r.how.startsWith('HTTP, batches'))) {
    const label = `${row.how} (${row.writers} writers), events/s`;
    const target = atLeast(
      database,
      label,
      row.figure.perSecond,
      BATCHED_EVENTS_PER_SECOND_POSTGRES,
      ' events/s',
    );
    judged.push(
      database === 'postgres' ? target : { ...target, met: null, note: 'target is for PostgreSQL' },
    );
  }
  return judged;
}

async function main(): Promise<void> {
  const options = readOptions();
  log(
    `Event ingestion benchmark, ${options.scale} scale: about ${options.events} events per line (at least 16 files)`,
  );
  const report = {
    benchmark: 'ingest',
    scale: options.scale,
    startedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
    databases: [] as { database: string; status: string; reason: string | null }[],
    figures: [] as (Row & { database: string })[],
    statements: {} as Record<string, CapturedEvent>,
    batchStatements: {} as Record<string, string[]>,
    floor: {} as Record<string, { api: number; floor: number }>,
    reconcilerOverhead: {} as Record<string, OverheadFigures>,
    targets: [] as TargetRow[],
    notes: [] as string[],
  };
  for (const database of options.databases) {
    const prepared = await prepareDatabase(database, options.servers);
    if (prepared.skip !== undefined) {
      log(`\n== ${DISPLAY[database]}: skipped (${prepared.skip})`);
      report.databases.push({ database, status: 'skipped', reason: prepared.skip });
      continue;
    }
    try {
      const { rows, captured, batchTransaction, floor, overhead } = await measureDatabase(
        database,
        prepared,
        options,
      );
      log(`\n${printTable(DISPLAY[database], rows)}`);
      log(
        `HTTP floor, one event per request (1 writer, p50): API ${floor.api.toFixed(2)} ms, bare node:http ` +
          `${floor.floor.toFixed(2)} ms, ${(floor.api / floor.floor).toFixed(2)}x the floor`,
      );
      log(
        `statements per event, as steptrail sent them (and the raw loop replays): first of a step ` +
          `${captured.first.length}, later ${captured.later.length}:\n${captured.first
            .map((sql) => `  ${normalizeSql(sql).slice(0, 110)}`)
            .join('\n')}`,
      );
      report.figures.push(...rows.map((row) => ({ database, ...row })));
      log(
        `statements of one file's transaction in a batch (what the raw batch replay sends, captured from ` +
          `EventIngestion.recordMany): ${batchTransaction.length}:\n${batchTransaction
            .map((sql) => `  ${normalizeSql(sql).slice(0, 110)}`)
            .join('\n')}`,
      );
      report.statements[database] = captured;
      report.batchStatements[database] = batchTransaction;
      log(printOverhead(overhead));
      report.floor[database] = floor;
      report.reconcilerOverhead[database] = overhead;
      report.targets.push(...targets(database, rows, overhead));
      report.databases.push({ database, status: 'measured', reason: null });
    } catch (error) {
      log(
        `${DISPLAY[database]} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      report.databases.push({
        database,
        status: 'failed',
        reason: error instanceof Error ? error.message : String(error),
      });
    } finally {
      await prepared.cleanup();
    }
  }
  log(
    `\n== ingestion targets (${options.scale} scale)\n${
      report.targets.length > 0 ? targetTable(report.targets) : 'none judged: no database was measured'
    }`,
  );
  writeReport(options.reportFile, report);
  log(`\nreport: ${options.reportFile}`);
  if (report.databases.some((d) => d.status === 'failed')) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
