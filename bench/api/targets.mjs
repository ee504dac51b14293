// The targets, judged from the figures of one database. A target is reported, never asserted:
// `met` is true, false, or null when the figure is informational (no target for that database).

const TARGET_FLAT = 1.3;
const TARGET_SPEEDUP = 50;
const TARGET_LIST_P95_MS = 20;
const LIST_TARGET_DATABASES = ['sqlite', 'postgres'];

const fmtFiles = (n) => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1_000 ? `${n / 1_000}k` : String(n));

function find(figures, metric, files) {
  return figures.find((f) => f.metric === metric && f.files === files) ?? null;
}

function atMost(database, label, measured, target, unit, note = '') {
  return { database, label, target: `≤ ${target}${unit}`, measured, unit, ratio: measured / target, met: measured <= target, note };
}

function atLeast(database, label, measured, target, note = '') {
  return { database, label, target: `≥ ${target}×`, measured, unit: '×', ratio: measured / target, met: measured >= target, note };
}

/** Target rows for one database, judged at the largest of `sizes` (the sizes end at 1M). */
export function judgeTargets(database, figures, sizes) {
  const smallest = sizes[0];
  const largest = sizes[sizes.length - 1];
  const scaleNote = largest === 1_000_000 ? '' : `largest size here is ${fmtFiles(largest)}; the target is for 1M`;
  const rows = [];
  const small = find(figures, 'httpStatus', smallest);
  const large = find(figures, 'httpStatus', largest);
  if (small !== null && large !== null && smallest !== largest) {
    for (const p of ['p50', 'p99']) {
      const label = `status ${p} flat: ${fmtFiles(largest)} / ${fmtFiles(smallest)} (HTTP)`;
      rows.push(atMost(database, label, large[p] / small[p], TARGET_FLAT, '×', scaleNote));
    }
  }
  const read = find(figures, 'statusRead', largest);
  const rebuild = find(figures, 'statusRebuild', largest);
  if (read !== null && rebuild !== null) {
    const label = `status read vs rebuild from logs, p50 at ${fmtFiles(largest)} (in-process)`;
    rows.push(atLeast(database, label, rebuild.p50 / read.p50, TARGET_SPEEDUP, 'per-file logs are indexed and ~10 rows'));
    const rollup = find(figures, 'rollupRead', largest);
    if (rollup !== null) {
      const row = atLeast(database, `stored rollup read vs rebuild from logs, p50 at ${fmtFiles(largest)} (in-process)`,
        rebuild.p50 / rollup.p50, TARGET_SPEEDUP, 'the file row alone (what the status endpoint could read)');
      rows.push({ ...row, met: null });
    }
  }
  const list = find(figures, 'httpListFailed', largest);
  if (list !== null) {
    const label = `GET /api/files?status=failed p95 at ${fmtFiles(largest)} (HTTP)`;
    const row = atMost(database, label, list.p95, TARGET_LIST_P95_MS, ' ms', scaleNote);
    if (!LIST_TARGET_DATABASES.includes(database)) Object.assign(row, { met: null, note: 'no target for MariaDB; shown for comparison' });
    rows.push(row);
  }
  // The DocuElevate-style comparisons: what a dashboard costs when status lives only in the logs.
  for (const [logs, rollup, what] of [
    ['pageLogs', 'pageRollup', 'dashboard page (50 newest)'],
    ['failedLogs', 'failedRollup', 'status=failed page'],
    ['countsLogs', 'countsRollup', 'counts per status'],
  ]) {
    const measuredAt = [...sizes].reverse().find((size) => find(figures, logs, size) !== null);
    if (measuredAt === undefined) continue;
    const ratio = find(figures, logs, measuredAt).p50 / find(figures, rollup, measuredAt).p50;
    rows.push(atLeast(database, `${what}: fold of logs vs rollup, p50 at ${fmtFiles(measuredAt)} (in-process)`, ratio, TARGET_SPEEDUP, 'DocuElevate-style comparison'));
  }
  return rows;
}

export { fmtFiles };
