import { FINISHED_STEP_STATUSES } from '@steptrail/domain';
import { eventKeyOf } from '../define-dialect.js';
import type { Dialect, EventKey } from '../dialect.js';

/*
 * The domain fold (docs/architecture.md#fold) restated as aggregates over each step's ordered events, so a whole batch
 * of files is folded by the database in one statement:
 *   status       = status of the last valid event, `pending` when there is none
 *   startedAt    = time of the first in_progress/success/failure event (pending and skipped never set it)
 *   completedAt  = time of the last valid event when it is success/failure/skipped, else null
 *   errorMessage = message ?? detail of the last success/failure/skipped event when it is a failure, else null
 *   attempts     = number of in_progress events
 * Columns: file_id, step_name, ignored, attempts, started_at, status, completed_at, error_message, last_event_at,
 * last_event_id. The contract suite proves this equals the fold on random logs, on every database.
 */
const FINISHED = FINISHED_STEP_STATUSES.map((status) => `'${status}'`).join(', ');

// Exact spellings first: LOWER() on every row costs a quarter of the fold on SQLite.
const VALID_STATUS = `CASE l.status WHEN 'success' THEN 'success' WHEN 'in_progress' THEN 'in_progress'
  WHEN 'pending' THEN 'pending' WHEN 'failure' THEN 'failure' WHEN 'skipped' THEN 'skipped' WHEN 'queued' THEN 'pending'
  ELSE CASE LOWER(l.status) WHEN 'queued' THEN 'pending' WHEN 'pending' THEN 'pending'
    WHEN 'in_progress' THEN 'in_progress' WHEN 'success' THEN 'success' WHEN 'failure' THEN 'failure'
    WHEN 'skipped' THEN 'skipped' END END`;

/**
 * The batch's events with their status normalised (null: the event is ignored). A legacy row without a time is
 * ignored too: it has no place in the (timestamp, id) order, and the databases would each place it elsewhere.
 */
const events = (where: string) => `
  SELECT l.file_id, l.step_name, l.id, l.timestamp AS ts, l.message, l.detail,
    CASE WHEN l.timestamp IS NULL THEN NULL ELSE ${VALID_STATUS} END AS st
  FROM processing_logs l
  WHERE ${where} AND l.step_name IS NOT NULL`;

/** The fold of the events of the files `where` selects (a condition on `l`, the log row). */
export function legacyFoldSql(dialect: Dialect, where: string): string {
  return dialect.capabilities.foldStrategy === 'window'
    ? windowFold(where)
    : keyedFold(eventKeyOf(dialect), where);
}

/**
 * The last event of a step found with running counts over its events, latest first: a valid event is the last
 * valid one when no valid event comes before it in that order (its running count of valid events is 1), and the
 * same for events that end the step. Both counts share one window, so the events are sorted once. The normalised
 * status rides along as a last sort key, which never decides the order (log ids are unique): PostgreSQL then computes
 * it once per event, for the sort, where it would otherwise repeat it at every use above (10% of the fold).
 */
function windowFold(where: string): string {
  return `
SELECT file_id, step_name,
  SUM(1 - valid) AS ignored,
  SUM(CASE WHEN st = 'in_progress' THEN 1 ELSE 0 END) AS attempts,
  MIN(CASE WHEN st IN ('in_progress', 'success', 'failure') THEN ts END) AS started_at,
  MAX(CASE WHEN valid = 1 AND valid_seen = 1 THEN st END) AS status,
  MAX(CASE WHEN valid = 1 AND valid_seen = 1 AND ends = 1 THEN ts END) AS completed_at,
  MAX(CASE WHEN ends = 1 AND ends_seen = 1 AND st = 'failure' THEN COALESCE(message, detail) END) AS error_message,
  MAX(CASE WHEN valid = 1 AND valid_seen = 1 THEN ts END) AS last_event_at,
  MAX(CASE WHEN valid = 1 AND valid_seen = 1 THEN id END) AS last_event_id
FROM (
  SELECT flagged.*,
    SUM(valid) OVER latest_first AS valid_seen,
    SUM(ends) OVER latest_first AS ends_seen
  FROM (
    SELECT base.*,
      CASE WHEN st IS NULL THEN 0 ELSE 1 END AS valid,
      CASE WHEN st IN (${FINISHED}) THEN 1 ELSE 0 END AS ends
    FROM (${events(where)}) base
  ) flagged
  WINDOW latest_first AS (PARTITION BY file_id, step_name ORDER BY ts DESC, id DESC, st ROWS UNBOUNDED PRECEDING)
) ranked
GROUP BY file_id, step_name`;
}

/**
 * The last event of a step found with MAX over a text key that sorts like (timestamp, id), with what the fold
 * needs of that event appended: one pass of plain aggregates, no sorting of partitions.
 */
function keyedFold(key: EventKey, where: string): string {
  const concat = (...parts: string[]) => key.concat(parts);
  const tail = key.timeWidth + key.idWidth + 1;
  const time = (column: string) => key.decodeTime(`SUBSTR(${column}, 1, ${key.timeWidth})`);
  const lastStatus = `SUBSTR(last_key, ${tail})`;
  const error = 'COALESCE(message, detail)';
  const endPayload = `CASE WHEN st = 'failure' AND ${error} IS NOT NULL THEN ${concat("'M'", error)} ELSE 'N' END`;
  return `
SELECT file_id, step_name, ignored, attempts, started_at,
  ${lastStatus} AS status,
  CASE WHEN ${lastStatus} IN (${FINISHED}) THEN ${time('last_key')} END AS completed_at,
  CASE WHEN SUBSTR(end_key, ${tail}, 1) = 'M' THEN SUBSTR(end_key, ${tail + 1}) END AS error_message,
  ${time('last_key')} AS last_event_at,
  ${key.decodeId(`SUBSTR(last_key, ${key.timeWidth + 1}, ${key.idWidth})`)} AS last_event_id
FROM (
  SELECT file_id, step_name,
    SUM(CASE WHEN st IS NULL THEN 1 ELSE 0 END) AS ignored,
    SUM(CASE WHEN st = 'in_progress' THEN 1 ELSE 0 END) AS attempts,
    MIN(CASE WHEN st IN ('in_progress', 'success', 'failure') THEN ts END) AS started_at,
    MAX(CASE WHEN st IS NOT NULL THEN ${concat(key.encode('ts', 'id'), 'st')} END) AS last_key,
    MAX(CASE WHEN st IN (${FINISHED}) THEN ${concat(key.encode('ts', 'id'), endPayload)} END) AS end_key
  FROM (${events(where)}) base
  GROUP BY file_id, step_name
) keyed`;
}
