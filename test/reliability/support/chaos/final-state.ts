import type { ApiPool } from './api-pool.js';
import type { WorkerReport } from './fleet.js';
import { REPORTED_STEP, type ReportedEvent } from './reporter.js';

export interface LogRow {
  id: number;
  stepName: string | null;
  status: string | null;
  message: string | null;
  occurredAt: string;
}

interface StepRow {
  status: string;
  errorMessage: string | null;
  attempts: number;
}

interface ListedFile {
  id: number;
  originalFilename: string | null;
  status: string;
}

/** What the run expects to find: the files it uploaded and the events the reporter and workers said were stored. */
export interface Expected {
  /** Upload name → ids the API gave (more than one: stored twice). */
  readonly uploads: ReadonlyMap<string, readonly number[]>;
  readonly corruptNames: ReadonlySet<string>;
  readonly accepted: ReadonlyMap<string, ReportedEvent>;
  readonly abandoned: readonly ReportedEvent[];
  readonly workerReports: readonly WorkerReport[];
}

/** Everything the end of a chaos run found wrong, each entry a sentence naming the file, step or event. */
export interface Verdict {
  files: number;
  completed: number;
  failed: number;
  /** Files not completed or failed, files failed without a reason, steps in progress, GET /api/stuck items. */
  stuck: string[];
  /** Accepted or reported events without exactly one history row, and rows no event explains. */
  lost: string[];
  /** Anything else: files stored twice or unknown, corrupt files that did not fail. */
  other: string[];
  /** Events whose rows were checked: accepted reporter events plus the workers' reported claims and outcomes. */
  eventsChecked: number;
  logRows: number;
}

const STATUS_ROW = (row: LogRow): boolean => row.status !== null;

export const emptyVerdict = (): Verdict => ({
  files: 0,
  completed: 0,
  failed: 0,
  stuck: [],
  lost: [],
  other: [],
  eventsChecked: 0,
  logRows: 0,
});

/** Reads every file, step and history row through the API and compares them with what the run expects. */
export async function judge(pool: ApiPool, expected: Expected, deadline: number): Promise<Verdict> {
  const verdict = emptyVerdict();
  const listed = await pool.readAll<ListedFile>('/api/files?limit=500&sort=id&order=asc', deadline);
  const nameOf = new Map<number, string>();
  for (const [name, ids] of expected.uploads) {
    if (ids.length !== 1)
      verdict.other.push(`${name} was stored ${ids.length} times: files ${ids.join(', ')}`);
    for (const id of ids) nameOf.set(id, name);
  }
  for (const file of listed) {
    if (!nameOf.has(file.id))
      verdict.other.push(`file ${file.id} (${file.originalFilename}) was not uploaded by the run`);
  }
  const missing = [...nameOf.keys()].filter((id) => !listed.some((file) => file.id === id));
  for (const id of missing) verdict.other.push(`file ${id} (${nameOf.get(id)}) is not listed`);
  verdict.files = listed.length;

  const logsOf = new Map<number, LogRow[]>();
  for (const file of listed) {
    const name = nameOf.get(file.id) ?? String(file.originalFilename);
    const { steps } = await pool.read<{ steps: Record<string, StepRow> }>(
      `/api/files/${file.id}/steps`,
      deadline,
    );
    const logs = await pool.readAll<LogRow>(`/api/files/${file.id}/logs?limit=500`, deadline);
    logsOf.set(file.id, logs);
    verdict.logRows += logs.length;
    judgeFile(verdict, file, name, steps, expected.corruptNames.has(name));
  }
  const stuckNow = await pool.read<{ items: unknown[] }>('/api/stuck?limit=100', deadline);
  for (const item of stuckNow.items) verdict.stuck.push(`GET /api/stuck lists ${JSON.stringify(item)}`);
  judgeReporterEvents(verdict, expected, logsOf);
  judgeWorkerReports(verdict, expected.workerReports, logsOf);
  return verdict;
}

function judgeFile(
  verdict: Verdict,
  file: ListedFile,
  name: string,
  steps: Record<string, StepRow>,
  corrupt: boolean,
): void {
  const describe = () =>
    Object.entries(steps)
      .map(
        ([step, row]) => `${step}=${row.status}${row.errorMessage === null ? '' : ` (${row.errorMessage})`}`,
      )
      .join(', ');
  if (file.status === 'completed') verdict.completed += 1;
  else if (file.status === 'failed') {
    verdict.failed += 1;
    const reasons = Object.values(steps).filter(
      (row) => row.status === 'failure' && (row.errorMessage ?? '') !== '',
    );
    if (reasons.length === 0)
      verdict.stuck.push(`file ${file.id} (${name}) failed without a reason: ${describe()}`);
  } else verdict.stuck.push(`file ${file.id} (${name}) is ${file.status}: ${describe()}`);
  if (corrupt && file.status !== 'failed')
    verdict.other.push(`file ${file.id} (${name}) is no document but ended ${file.status}: ${describe()}`);
  for (const [step, row] of Object.entries(steps)) {
    if (row.status === 'in_progress')
      verdict.stuck.push(`file ${file.id} (${name}): ${step} is still in_progress`);
  }
}

/** Every accepted event has exactly one row (found by its message); the reporter's step has no other rows but stalls. */
export function judgeReporterEvents(
  verdict: Verdict,
  expected: Pick<Expected, 'accepted' | 'abandoned'>,
  logsOf: ReadonlyMap<number, readonly LogRow[]>,
): void {
  const seen = new Map<string, number>();
  for (const [fileId, logs] of logsOf) {
    for (const row of logs.filter((log) => log.stepName === REPORTED_STEP)) {
      const eventId =
        row.message?.startsWith('reporter ') === true ? row.message.slice('reporter '.length) : null;
      if (eventId !== null) seen.set(eventId, (seen.get(eventId) ?? 0) + 1);
      else if (!(row.status === 'failure' && row.message?.startsWith('Stalled:') === true))
        verdict.lost.push(`file ${fileId}: a ${REPORTED_STEP} row no event explains: ${JSON.stringify(row)}`);
    }
  }
  for (const [eventId, event] of expected.accepted) {
    verdict.eventsChecked += 1;
    const count = seen.get(eventId) ?? 0;
    if (count !== 1)
      verdict.lost.push(`accepted event ${eventId} (${event.status}) has ${count} history rows instead of 1`);
    const rows = logsOf.get(event.fileId) ?? [];
    const own = rows.find((row) => row.message === event.message);
    if (own !== undefined && own.status !== event.status)
      verdict.lost.push(`event ${eventId} was stored as ${own.status}, sent as ${event.status}`);
  }
  for (const eventId of seen.keys()) {
    if (!expected.accepted.has(eventId))
      verdict.lost.push(`history row of event ${eventId}, which was never accepted`);
  }
  for (const event of expected.abandoned) {
    const rows = (logsOf.get(event.fileId) ?? []).filter((row) => row.stepName === REPORTED_STEP);
    if (!rows.some((row) => row.status === 'failure' && row.message?.startsWith('Stalled:') === true))
      verdict.stuck.push(`file ${event.fileId}: the abandoned ${REPORTED_STEP} was never failed as stalled`);
  }
}

/**
 * Every claim a worker logged is the attempt-th in_progress row of its step, claimed by that worker; every outcome
 * it logged is the next status row after that claim. A claim or outcome the database lost, or wrote twice, breaks it.
 */
export function judgeWorkerReports(
  verdict: Verdict,
  reports: readonly WorkerReport[],
  logsOf: ReadonlyMap<number, readonly LogRow[]>,
): void {
  const lastClaim = new Map<string, WorkerReport>();
  for (const report of reports) {
    const key = `${report.workerId}|${report.fileId}|${report.step}`;
    const statusRows = (logsOf.get(report.fileId) ?? []).filter(
      (row) => row.stepName === report.step && STATUS_ROW(row),
    );
    const claims = statusRows.filter((row) => row.status === 'in_progress');
    const where = `file ${report.fileId} ${report.step}`;
    verdict.eventsChecked += 1;
    if (report.kind === 'claimed') {
      lastClaim.set(key, report);
      const row = report.attempt === null ? undefined : claims[report.attempt - 1];
      if (row?.message !== `Claimed by worker ${report.workerId}`)
        verdict.lost.push(
          `${where}: worker ${report.workerId} claimed attempt ${report.attempt}, but that in_progress row is ` +
            `${row === undefined ? 'missing' : JSON.stringify(row.message)} (${claims.length} in_progress rows)`,
        );
      continue;
    }
    const claim = lastClaim.get(key);
    const claimRow = claim?.attempt == null ? undefined : claims[claim.attempt - 1];
    const next = claimRow === undefined ? undefined : statusRows[statusRows.indexOf(claimRow) + 1];
    if (next?.status !== report.status)
      verdict.lost.push(
        `${where}: worker ${report.workerId} recorded ${report.status} after its claim (attempt ${claim?.attempt}), ` +
          `but the next row is ${next === undefined ? 'missing' : `${next.status} ${JSON.stringify(next.message)}`}`,
      );
  }
}
