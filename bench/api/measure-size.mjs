// Every measurement at one database size: the API over HTTP, and the same answers in-process, read from
// current state and rebuilt from logs. Each comparison also checks that both sides give the same answer.
import { LogRebuilds } from './rebuild-from-logs.mjs';
import { randomIds, timeEach, timeInterleaved } from './stats.mjs';

export const METRICS = {
  httpStatus: 'HTTP GET /api/files/:id/status',
  httpListFailed: 'HTTP GET /api/files?status=failed (first page)',
  statusRead: 'in-process status read (StatusQueries.getFileOverallStatus: the rollup on the file row)',
  statusRebuild: 'in-process status rebuilt from logs (files.get + logs.listForFiles + fold)',
  pageRollup: 'in-process dashboard page, 50 newest, from the rollup',
  pageLogs: 'in-process dashboard page, 50 newest, folded from logs',
  failedRollup: 'in-process status=failed page from the rollup (files.list)',
  failedLogs: 'in-process status=failed page folded from logs (newest first until 50)',
  countsRollup: 'in-process counts per status from the rollup (files.countByStatus)',
  countsLogs: 'in-process counts per status folded from all logs',
};

const COUNTS_FROM_LOGS_MAX_FILES = 100_000;

function figure(metric, stats, extra = {}) {
  return { metric, label: METRICS[metric], ...stats, ...extra };
}

async function httpFigures({ api, size, options, ids, rebuilds }) {
  await timeEach(300, (index) => api.client.getJson(`/api/files/${ids.warmUp[index]}/status`));
  const status = await timeEach(ids.timed.length, (index) =>
    api.client.getJson(`/api/files/${ids.timed[index]}/status`),
  );
  let mismatches = 0;
  for (const id of ids.timed.slice(0, 50)) {
    const { json } = await api.client.getJson(`/api/files/${id}/status`);
    if (!sameStatus(json, await rebuilds.fileStatus(id))) mismatches += 1;
  }
  const path = '/api/files?status=failed';
  const first = await api.client.getJson(path);
  const wrongBadge = first.json.items.filter((item) => item.status !== 'failed').length;
  await timeEach(20, () => api.client.getJson(path));
  const list = await timeEach(options.listRequests, () => api.client.getJson(path));
  return {
    figures: [figure('httpStatus', status, { files: size }), figure('httpListFailed', list, { files: size })],
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

async function statusFigures({ domain, store, ids, rebuilds }) {
  const queries = new domain.StatusQueries(store.reads);
  const read = async (id) => {
    const result = await queries.getFileOverallStatus(id);
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  };
  for (const id of ids.warmUp.slice(0, 200)) await Promise.all([read(id), rebuilds.fileStatus(id)]);
  const count = ids.inProcess.length;
  const answers = { read: new Array(count), rebuild: new Array(count) };
  const [statusRead, rebuild] = await timeInterleaved(
    count,
    async (i) => (answers.read[i] = await read(ids.inProcess[i])),
    async (i) => (answers.rebuild[i] = await rebuilds.fileStatus(ids.inProcess[i])),
  );
  const rebuildDiffers = answers.read.filter(
    (value, i) => !domain.sameRollup(value, answers.rebuild[i]),
  ).length;
  return {
    figures: [figure('statusRead', statusRead), figure('statusRebuild', rebuild)],
    checks: [
      check(
        `status read equals the rebuild from logs (${count} files)`,
        rebuildDiffers === 0,
        `${rebuildDiffers} differ`,
      ),
    ],
  };
}

async function dashboardFigures({ store, size, rebuilds }) {
  const { files } = store.reads;
  const pageRollup = await timeEach(200, () => files.list({ limit: 50 }));
  const pageLogs = await timeEach(200, () => rebuilds.firstPage());
  const failedRollup = await timeEach(100, () => files.list({ status: 'failed', limit: 50 }));
  const failedLogs = await timeEach(30, () => rebuilds.firstFailedPage());
  const countsRollup = await timeEach(30, () => files.countByStatus());
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
    let folded;
    figures.push(figure('countsLogs', await timeEach(3, async () => (folded = await rebuilds.counts()))));
    const stored = await files.countByStatus();
    const same = Object.keys(folded).every((status) => folded[status] === stored[status]);
    checks.push(check('counts: rollup and fold of all logs agree', same, JSON.stringify({ folded, stored })));
  }
  return { figures, checks };
}

function check(label, ok, detail) {
  return { label, ok, detail: ok ? '' : detail };
}

const STATUS_FIELDS = [
  'status',
  'hasErrors',
  'totalSteps',
  'completedSteps',
  'failedSteps',
  'inProgressSteps',
  'skippedSteps',
];
const sameStatus = (json, result) => STATUS_FIELDS.every((field) => json[field] === result[field]);

/** Measures one size; `api` is the running API on this database, `store` an in-process store on it. */
export async function measureSize({ domain, store, api, size, options, log }) {
  const rebuilds = new LogRebuilds(domain, store.reads);
  const timed = randomIds(size, options.statusRequests, size);
  const ids = {
    timed,
    warmUp: randomIds(size + 1, 300, size),
    inProcess: timed.slice(0, options.inProcessReads),
  };
  const context = { domain, store, api, size, options, ids, rebuilds };
  const parts = [];
  for (const [what, run] of [
    ['HTTP', httpFigures],
    ['in-process status', statusFigures],
    ['in-process dashboard', dashboardFigures],
  ]) {
    log(`  measuring ${what} ...`);
    parts.push(await run(context));
  }
  return {
    figures: parts.flatMap((part) => part.figures.map((f) => ({ files: size, ...f }))),
    checks: parts.flatMap((part) => part.checks.map((c) => ({ files: size, ...c }))),
  };
}
