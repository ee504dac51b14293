// Every measurement at one database size: the API over HTTP beside a bare node:http server answering the same
// bytes, and the same answers in-process, read from current state and rebuilt from logs. Each comparison also
// checks that both sides give the same answer.
import { StatusQueries, sameRollup, type OverallStatusResult, type Store } from '@steptrail/domain';
import { captureSql, normalizeSql } from '../ingest/sql-capture.js';
import type { RunningApi } from '../support/api-process.js';
import { startFloor } from '../support/http-floor.js';
import type { Options } from './options.js';
import { LogRebuilds } from './rebuild-from-logs.js';
import type { Check, Figure } from '../support/report.js';
import { randomIds, timeEach, timeInterleaved, type Summary } from '../support/stats.js';

export const METRICS = {
  httpStatus: 'HTTP GET /api/files/:id/status',
  httpFloor: 'HTTP floor: bare node:http answering the same status bytes',
  httpListFailed: 'HTTP GET /api/files?status=failed (first page)',
  statusRead: 'in-process status read (StatusQueries.getFileOverallStatus: the rollup on the file row)',
  statusRebuild: 'in-process status rebuilt from logs (files.get + logs.listForFiles + fold)',
  pageRollup: 'in-process dashboard page, 50 newest, from the rollup',
  pageLogs: 'in-process dashboard page, 50 newest, folded from logs',
  failedRollup: 'in-process status=failed page from the rollup (files.list)',
  failedLogs: 'in-process status=failed page folded from logs (newest first until 50)',
  countsRollup: 'in-process counts per status from the rollup (files.countByStatus)',
  countsLogs: 'in-process counts per status folded from all logs',
} as const;
type Metric = keyof typeof METRICS;

const COUNTS_FROM_LOGS_MAX_FILES = 100_000;

type MeasuredFigure = Omit<Figure, 'files'> & { files?: number };
type MeasuredCheck = Omit<Check, 'files'>;

interface Part {
  figures: MeasuredFigure[];
  checks: MeasuredCheck[];
}

interface Context {
  store: Store;
  api: RunningApi;
  size: number;
  options: Options;
  ids: { timed: number[]; warmUp: number[]; inProcess: number[] };
  rebuilds: LogRebuilds;
}

function figure(metric: Metric, stats: Summary, extra: { files?: number } = {}): MeasuredFigure {
  return { metric, label: METRICS[metric], ...stats, ...extra };
}

function check(label: string, ok: boolean, detail: string): MeasuredCheck {
  return { label, ok, detail: ok ? '' : detail };
}

interface FilePageJson {
  items: { status: string }[];
}

async function httpFigures({ api, size, options, ids, rebuilds }: Context): Promise<Part> {
  const statusPath = (index: number) => `/api/files/${ids.timed[index]}/status`;
  await timeEach(options.warmUp, (index) =>
    api.client.getJson(`/api/files/${ids.warmUp[index % ids.warmUp.length]}/status`),
  );
  // The floor answers every request with the bytes the API gave for the first timed file.
  const sample = await api.client.get(statusPath(0));
  const floor = await startFloor(sample.status, sample.body);
  let status: Summary;
  let floorStatus: Summary;
  try {
    await timeEach(options.warmUp, () => floor.client.getJson(statusPath(0)));
    [status, floorStatus] = await timeInterleaved(
      ids.timed.length,
      (index) => api.client.getJson(statusPath(index)),
      (index) => floor.client.getJson(statusPath(index)),
    );
  } finally {
    await floor.stop();
  }
  let mismatches = 0;
  for (const id of ids.timed.slice(0, 50)) {
    const { json } = await api.client.getJson<Record<string, unknown>>(`/api/files/${id}/status`);
    if (!sameStatus(json, await rebuilds.fileStatus(id))) mismatches += 1;
  }
  const path = '/api/files?status=failed';
  const first = await api.client.getJson<FilePageJson>(path);
  const wrongBadge = first.json.items.filter((item) => item.status !== 'failed').length;
  await timeEach(Math.min(20, options.warmUp), () => api.client.getJson(path));
  const list = await timeEach(options.listRequests, () => api.client.getJson(path));
  return {
    figures: [
      figure('httpStatus', status, { files: size }),
      figure('httpFloor', floorStatus, { files: size }),
      figure('httpListFailed', list, { files: size }),
    ],
    checks: [
      check(`HTTP status equals the fold of the logs (50 files)`, mismatches === 0, `${mismatches} differ`),
      check(
        `HTTP failed page holds only failed files`,
        wrongBadge === 0 && first.json.items.length > 0,
        `${first.json.items.length} items, ${wrongBadge} not failed`,
      ),
    ],
  };
}

async function statusFigures({ store, ids, rebuilds, options }: Context): Promise<Part> {
  const queries = new StatusQueries(store.reads);
  const read = async (id: number) => {
    const result = await queries.getFileOverallStatus(id);
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  };
  const idAt = (i: number) => ids.inProcess[i] ?? 1;
  for (const id of ids.warmUp.slice(0, Math.min(200, options.warmUp)))
    await Promise.all([read(id), rebuilds.fileStatus(id)]);
  // Round trips are load-independent: what one status read sends to the database (the route calls the same read).
  const statements = await captureSql(() => read(idAt(0)));
  const count = ids.inProcess.length;
  const answers = {
    read: new Array<OverallStatusResult>(count),
    rebuild: new Array<OverallStatusResult>(count),
  };
  const [statusRead, rebuild] = await timeInterleaved(
    count,
    async (i) => (answers.read[i] = await read(idAt(i))),
    async (i) => (answers.rebuild[i] = await rebuilds.fileStatus(idAt(i))),
  );
  const rebuildDiffers = answers.read.filter((value, i) => {
    const other = answers.rebuild[i];
    return other === undefined || !sameRollup(value, other);
  }).length;
  return {
    figures: [figure('statusRead', statusRead), figure('statusRebuild', rebuild)],
    checks: [
      check(
        `status read equals the rebuild from logs (${count} files)`,
        rebuildDiffers === 0,
        `${rebuildDiffers} differ`,
      ),
      check(
        'status read is one round trip to the database (the rollup on the file row)',
        statements.length === 1,
        `${statements.length} statement(s): ${statements.map((sql) => normalizeSql(sql).slice(0, 60)).join('; ')}`,
      ),
    ],
  };
}

async function dashboardFigures({ store, size, rebuilds, options }: Context): Promise<Part> {
  const { files } = store.reads;
  const runs = options.dashboardRuns;
  const pageRollup = await timeEach(runs, () => files.list({ limit: 50 }));
  const pageLogs = await timeEach(runs, () => rebuilds.firstPage());
  const failedRollup = await timeEach(Math.ceil(runs / 2), () => files.list({ status: 'failed', limit: 50 }));
  const failedLogs = await timeEach(Math.ceil((runs * 3) / 20), () => rebuilds.firstFailedPage());
  const countsRollup = await timeEach(Math.ceil((runs * 3) / 20), () => files.countByStatus());
  const rollupIds = (await files.list({ status: 'failed', limit: 50 })).items
    .map((file) => file.id)
    .join(',');
  const logIds = (await rebuilds.firstFailedPage()).map((item) => item.file.id).join(',');
  const figures = [
    figure('pageRollup', pageRollup),
    figure('pageLogs', pageLogs),
    figure('failedRollup', failedRollup),
    figure('failedLogs', failedLogs),
    figure('countsRollup', countsRollup),
  ];
  const checks = [
    check('failed page: rollup filter and fold of logs give the same files', rollupIds === logIds, ''),
  ];
  if (size <= COUNTS_FROM_LOGS_MAX_FILES) {
    let folded: Record<string, number> = {};
    figures.push(figure('countsLogs', await timeEach(3, async () => (folded = await rebuilds.counts()))));
    const stored: Record<string, number> = await files.countByStatus();
    const same = Object.keys(folded).every((status) => folded[status] === stored[status]);
    checks.push(check('counts: rollup and fold of all logs agree', same, JSON.stringify({ folded, stored })));
  }
  return { figures, checks };
}

const STATUS_FIELDS = [
  'status',
  'hasErrors',
  'totalSteps',
  'completedSteps',
  'failedSteps',
  'inProgressSteps',
  'skippedSteps',
] as const;
const sameStatus = (json: Record<string, unknown>, result: OverallStatusResult) =>
  STATUS_FIELDS.every((field) => json[field] === result[field]);

/** Measures one size; `api` is the running API on this database, `store` an in-process store on it. */
export async function measureSize({
  store,
  api,
  size,
  options,
  log,
}: {
  store: Store;
  api: RunningApi;
  size: number;
  options: Options;
  log: (line: string) => void;
}): Promise<{ figures: Figure[]; checks: Check[] }> {
  const rebuilds = new LogRebuilds(store.reads);
  const timed = randomIds(size, options.statusRequests, size);
  const ids = {
    timed,
    warmUp: randomIds(size + 1, Math.max(1, options.warmUp), size),
    inProcess: timed.slice(0, options.inProcessReads),
  };
  const context: Context = { store, api, size, options, ids, rebuilds };
  const parts: Part[] = [];
  for (const [what, run] of [
    ['HTTP', httpFigures],
    ['in-process status', statusFigures],
    ['in-process dashboard', dashboardFigures],
  ] as const) {
    log(`  measuring ${what} ...`);
    parts.push(await run(context));
  }
  return {
    figures: parts.flatMap((part) => part.figures.map((f) => ({ files: size, ...f }))),
    checks: parts.flatMap((part) => part.checks.map((c) => ({ files: size, ...c }))),
  };
}
