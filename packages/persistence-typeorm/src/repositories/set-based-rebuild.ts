import { sameStepState, type FoldedStep, type StepRebuildCounts } from '@steptrail/domain';
import {
  parseInteger,
  parseText,
  parseTimestamp,
  requireInteger,
  requireText,
} from '../mappers/column-parsers.js';
import { STEP_COLUMNS, toStoredStep } from '../mappers/row-mappers.js';
import type { SqlExecutor } from '../sql-executor.js';

/*
 * The domain fold (ARCHITECTURE.md 2.2) restated as aggregates over each step's ordered events, so a whole batch
 * of files is folded by the database in one statement:
 *   status       = status of the last valid event, `pending` when there is none
 *   startedAt    = time of the first in_progress/success/failure event (pending and skipped never set it)
 *   completedAt  = time of the last valid event when it is success/failure/skipped, else null
 *   errorMessage = message ?? detail of the last success/failure/skipped event when it is a failure, else null
 *   attempts     = number of in_progress events
 * The contract suite proves this equals the fold on random logs.
 */
const VALID_STATUS = `CASE LOWER(l.status) WHEN 'queued' THEN 'pending' WHEN 'pending' THEN 'pending'
  WHEN 'in_progress' THEN 'in_progress' WHEN 'success' THEN 'success' WHEN 'failure' THEN 'failure'
  WHEN 'skipped' THEN 'skipped' END`;

const FOLD_SQL = `
SELECT file_id, step_name,
  SUM(1 - valid) AS ignored,
  SUM(CASE WHEN st = 'in_progress' THEN 1 ELSE 0 END) AS attempts,
  MIN(CASE WHEN st IN ('in_progress', 'success', 'failure') THEN ts END) AS started_at,
  MAX(CASE WHEN valid = 1 AND last_rank = 1 THEN st END) AS status,
  MAX(CASE WHEN valid = 1 AND last_rank = 1 AND ends = 1 THEN ts END) AS completed_at,
  MAX(CASE WHEN ends = 1 AND end_rank = 1 AND st = 'failure' THEN COALESCE(message, detail) END) AS error_message,
  MAX(CASE WHEN valid = 1 AND last_rank = 1 THEN ts END) AS last_event_at,
  MAX(CASE WHEN valid = 1 AND last_rank = 1 THEN id END) AS last_event_id
FROM (
  SELECT flagged.*,
    ROW_NUMBER() OVER (PARTITION BY file_id, step_name, valid ORDER BY ts DESC, id DESC) AS last_rank,
    ROW_NUMBER() OVER (PARTITION BY file_id, step_name, ends ORDER BY ts DESC, id DESC) AS end_rank
  FROM (
    SELECT base.*,
      CASE WHEN st IS NULL THEN 0 ELSE 1 END AS valid,
      CASE WHEN st IN ('success', 'failure', 'skipped') THEN 1 ELSE 0 END AS ends
    FROM (
      SELECT l.file_id, l.step_name, l.id, l.timestamp AS ts, l.message, l.detail, ${VALID_STATUS} AS st
      FROM processing_logs l
      WHERE l.file_id IN (:...fileIds) AND l.step_name IS NOT NULL
    ) base
  ) flagged
) ranked
GROUP BY file_id, step_name`;

const WRITE_COLUMNS = [
  'file_id',
  'step_name',
  'status',
  'started_at',
  'completed_at',
  'error_message',
  'attempts',
  'last_event_at',
  'last_event_id',
  'lease_owner',
  'lease_expires_at',
  'created_at',
  'updated_at',
];
const OVERWRITTEN = WRITE_COLUMNS.filter(
  (column) => !['file_id', 'step_name', 'created_at'].includes(column),
);
const ROWS_PER_STATEMENT = 400;

interface FoldedRow {
  fileId: number;
  stepName: string;
  ignored: number;
  state: FoldedStep;
}

/** Rebuilds the steps of a batch of files from their logs: one fold query, one read, batched upserts. */
export async function rebuildStepsSetBased(
  sql: SqlExecutor,
  fileIds: readonly number[],
  dryRun: boolean,
  now: Date,
): Promise<Map<number, StepRebuildCounts>> {
  const counts = new Map<number, StepRebuildCounts>(
    fileIds.map((id) => [id, { stepsCreated: 0, stepsUpdated: 0, stepsUnchanged: 0, eventsIgnored: 0 }]),
  );
  if (fileIds.length === 0) return counts;
  const ids = [...new Set(fileIds)];
  const folded = (await sql.rows(FOLD_SQL, { fileIds: ids })).map(toFoldedRow);
  const existing = new Map(
    (
      await sql.rows(`SELECT ${STEP_COLUMNS} FROM file_processing_steps WHERE file_id IN (:...fileIds)`, {
        fileIds: ids,
      })
    ).map((row) => {
      const step = toStoredStep(row);
      return [`${step.fileId}\u0000${step.stepName}`, step];
    }),
  );
  const changed: FoldedRow[] = [];
  for (const row of folded) {
    const fileCounts = counts.get(row.fileId);
    if (fileCounts === undefined) continue;
    fileCounts.eventsIgnored += row.ignored;
    const current = existing.get(`${row.fileId}\u0000${row.stepName}`);
    if (
      current !== undefined &&
      sameStepState(current, row.state) &&
      sameEvent(current.lastEvent, row.state.lastEvent)
    ) {
      fileCounts.stepsUnchanged += 1;
      continue;
    }
    if (current === undefined) fileCounts.stepsCreated += 1;
    else fileCounts.stepsUpdated += 1;
    changed.push(row);
  }
  if (!dryRun) await writeRows(sql, changed, now);
  return counts;
}

function toFoldedRow(row: Record<string, unknown>): FoldedRow {
  const lastEventAt = parseTimestamp('last_event_at', row.last_event_at);
  const lastEventId = parseInteger('last_event_id', row.last_event_id);
  return {
    fileId: requireInteger('file_id', row.file_id),
    stepName: requireText('step_name', row.step_name),
    ignored: parseInteger('ignored', row.ignored) ?? 0,
    state: {
      status: foldedStatus(parseText('status', row.status)),
      startedAt: parseTimestamp('started_at', row.started_at),
      completedAt: parseTimestamp('completed_at', row.completed_at),
      errorMessage: parseText('error_message', row.error_message),
      attempts: parseInteger('attempts', row.attempts) ?? 0,
      lastEvent:
        lastEventAt !== null && lastEventId !== null ? { occurredAt: lastEventAt, id: lastEventId } : null,
    },
  };
}

function foldedStatus(value: string | null): FoldedStep['status'] {
  switch (value) {
    case null:
      return 'pending';
    case 'pending':
    case 'in_progress':
    case 'success':
    case 'failure':
    case 'skipped':
      return value;
    default:
      throw new Error(`The fold query produced the status ${value}.`);
  }
}

function sameEvent(a: FoldedStep['lastEvent'], b: FoldedStep['lastEvent']): boolean {
  if (a === null || b === null) return a === b;
  return a.id === b.id && a.occurredAt.getTime() === b.occurredAt.getTime();
}

async function writeRows(sql: SqlExecutor, rows: readonly FoldedRow[], now: Date): Promise<void> {
  const d = sql.dialect;
  const tail = d.upsertTail(['file_id', 'step_name'], OVERWRITTEN);
  const time = (value: Date | null) => (value === null ? null : d.time(value));
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    const params: Record<string, unknown> = { now: d.time(now) };
    const tuples = chunk.map((row, index) => {
      const { state } = row;
      Object.assign(params, {
        [`f${index}`]: row.fileId,
        [`n${index}`]: row.stepName,
        [`s${index}`]: state.status,
        [`b${index}`]: time(state.startedAt),
        [`c${index}`]: time(state.completedAt),
        [`e${index}`]: state.errorMessage,
        [`a${index}`]: state.attempts,
        [`t${index}`]: time(state.lastEvent?.occurredAt ?? null),
        [`i${index}`]: state.lastEvent?.id ?? null,
      });
      return `(:f${index}, :n${index}, :s${index}, :b${index}, :c${index}, :e${index}, :a${index}, :t${index}, :i${index}, NULL, NULL, :now, :now)`;
    });
    await sql.write(
      `INSERT INTO file_processing_steps (${WRITE_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}${tail}`,
      params,
    );
  }
}
