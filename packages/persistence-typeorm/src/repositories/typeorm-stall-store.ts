import {
  type ActiveSteps,
  type Silence,
  type SilentStep,
  type StallStore,
  type StepRef,
  type StuckCandidate,
  type StuckCandidateQuery,
} from '@steptrail/domain';
import {
  parseInteger,
  parseText,
  parseTimestamp,
  requireInteger,
  requireText,
  requireTimestamp,
} from '../mappers/column-parsers.js';
import { WORKFLOW_PLAN_COLUMN, workflowOf } from '../mappers/row-mappers.js';
import type { SqlExecutor } from '../sql-executor.js';
import { rowLock } from '../define-dialect.js';
import { withLockedFiles } from './typeorm-work-queue.js';

/** When a step last showed a sign of life by its event: its last event, else its start, else its row's last write. */
const LAST_EVENT = 'COALESCE(s.last_event_at, s.started_at, s.updated_at)';
/** In progress, no worker's lease, and neither an event nor a heartbeat after :since. */
const SILENT = `s.status = 'in_progress' AND s.lease_owner IS NULL
  AND (s.heartbeat_at IS NULL OR s.heartbeat_at <= :since) AND ${LAST_EVENT} <= :since`;
const AFTER = '(s.file_id > :afterFile OR (s.file_id = :afterFile AND s.step_name > :afterStep))';

/**
 * Stall detection on SQL (docs/architecture.md#stalls): heartbeats are two columns of the step row, silence is
 * read from them and the last event, and the sweep locks silent rows the same non-waiting way as lease recovery.
 */
export class TypeormStallStore implements StallStore {
  constructor(
    private readonly sql: SqlExecutor,
    /** Whether `files` has DocuElevate's `workflow_plan` (see TypeormFileRepository). */
    private readonly hasPlan = false,
  ) {}

  async heartbeat(ref: StepRef, at: Date, by: string | null): Promise<boolean> {
    const result = await this.sql.write(
      `UPDATE file_processing_steps SET heartbeat_at = :at, heartbeat_by = :by
       WHERE file_id = :fileId AND step_name = :stepName AND status = 'in_progress'`,
      { fileId: ref.fileId, stepName: ref.stepName, at: this.sql.dialect.driver.time(at), by },
    );
    return result.affected > 0;
  }

  async lockSilent(limit: number, silentSince: Date): Promise<SilentStep[]> {
    const d = this.sql.dialect;
    // No alias may follow FOR UPDATE's table on every database: the lock names the table as it is.
    const rows = await this.sql.rows(
      `SELECT s.file_id, s.step_name, s.heartbeat_at, s.heartbeat_by, s.last_event_id,
              ${LAST_EVENT} AS last_event_time
       FROM file_processing_steps s
       WHERE ${SILENT}
       ORDER BY ${LAST_EVENT}, s.id LIMIT :limit${rowLock(d, 'stepRowSkipLocked')}`,
      { since: d.driver.time(silentSince), limit },
    );
    const tasks = await this.eventTasks(rows.map((row) => parseInteger('last_event_id', row.last_event_id)));
    const silent = rows.map((row) => ({
      fileId: requireInteger('file_processing_steps.file_id', row.file_id),
      stepName: requireText('file_processing_steps.step_name', row.step_name),
      ...silenceOf(row, tasks),
    }));
    return withLockedFiles(this.sql, silent, this.hasPlan);
  }

  async listStuck(query: StuckCandidateQuery): Promise<StuckCandidate[]> {
    const d = this.sql.dialect;
    const keyset = query.after === null ? '' : ` AND ${AFTER}`;
    const params = {
      since: d.driver.time(query.silentSince),
      unclaimedSince: d.driver.time(query.unclaimedSince),
      afterFile: query.after?.fileId ?? 0,
      afterStep: query.after?.stepName ?? '',
      limit: query.limit,
      managed: true,
    };
    // The file's workflow as every reader resolves it: its snapshot, else DocuElevate's plan, else the default.
    const workflow = this.hasPlan ? `f.workflow, f.${WORKFLOW_PLAN_COLUMN}` : 'f.workflow';
    const silent = await this.sql.rows(
      `SELECT s.file_id, s.step_name, s.attempts, s.heartbeat_at, s.heartbeat_by, s.last_event_id,
              ${LAST_EVENT} AS last_event_time, ${workflow}
       FROM file_processing_steps s JOIN files f ON f.id = s.file_id
       WHERE ${SILENT}${keyset}
       ORDER BY s.file_id, s.step_name LIMIT :limit`,
      params,
    );
    // CROSS JOIN with the join in WHERE: SQLite then reads the few runnable steps from ix_steps_runnable first and
    // looks their files up, where it chose to scan every file for `managed` (125 ms of the listing at a million
    // files, bench/api/query-plans.ts); PostgreSQL and MySQL treat it as the inner join it is and plan it freely.
    const unclaimed = await this.sql.rows(
      `SELECT s.file_id, s.step_name, s.attempts, s.run_after, s.last_event_id, ${workflow}
       FROM file_processing_steps s CROSS JOIN files f
       WHERE f.id = s.file_id AND s.status = 'pending' AND s.run_after <= :unclaimedSince
         AND f.managed = :managed${keyset}
       ORDER BY s.file_id, s.step_name LIMIT :limit`,
      params,
    );
    const tasks = await this.eventTasks(
      [...silent, ...unclaimed].map((row) => parseInteger('last_event_id', row.last_event_id)),
    );
    const candidates: StuckCandidate[] = [
      ...silent.map((row) => ({ ...candidateOf(row, 'silent'), ...silenceOf(row, tasks) })),
      ...unclaimed.map((row) => ({
        ...candidateOf(row, 'unclaimed'),
        since: requireTimestamp('file_processing_steps.run_after', row.run_after),
        lastTouchedBy: taskOf(row, tasks),
      })),
    ];
    return candidates
      .sort((a, b) => a.fileId - b.fileId || (a.stepName < b.stepName ? -1 : a.stepName > b.stepName ? 1 : 0))
      .slice(0, query.limit);
  }

  async countActive(now: Date): Promise<ActiveSteps[]> {
    const rows = await this.sql.rows(
      `SELECT s.step_name,
              SUM(CASE WHEN s.status = 'pending' THEN 1 ELSE 0 END) AS runnable,
              SUM(CASE WHEN s.status = 'in_progress' THEN 1 ELSE 0 END) AS in_progress
       FROM file_processing_steps s
       WHERE s.status = 'in_progress'
          OR (s.status = 'pending' AND s.run_after <= :now
              AND EXISTS (SELECT 1 FROM files f WHERE f.id = s.file_id AND f.managed = :managed))
       GROUP BY s.step_name ORDER BY s.step_name`,
      { now: this.sql.dialect.driver.time(now), managed: true },
    );
    return rows.map((row) => ({
      stepName: requireText('file_processing_steps.step_name', row.step_name),
      runnable: Number(row.runnable ?? 0),
      inProgress: Number(row.in_progress ?? 0),
    }));
  }

  /** The task ids of these log rows, by id. */
  private async eventTasks(ids: ReadonlyArray<number | null>): Promise<Map<number, string | null>> {
    const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
    if (wanted.length === 0) return new Map();
    const rows = await this.sql.rows('SELECT id, task_id FROM processing_logs WHERE id IN (:...ids)', {
      ids: wanted,
    });
    return new Map(
      rows.map((row) => [requireInteger('processing_logs.id', row.id), parseText('task_id', row.task_id)]),
    );
  }
}

function candidateOf(row: Record<string, unknown>, kind: StuckCandidate['kind']) {
  return {
    fileId: requireInteger('file_processing_steps.file_id', row.file_id),
    stepName: requireText('file_processing_steps.step_name', row.step_name),
    kind,
    attempts: parseInteger('file_processing_steps.attempts', row.attempts) ?? 0,
    workflowName: workflowOf(row).name,
  };
}

const taskOf = (row: Record<string, unknown>, tasks: Map<number, string | null>): string | null => {
  const id = parseInteger('last_event_id', row.last_event_id);
  return id === null ? null : (tasks.get(id) ?? null);
};

/** The later of the last event and the heartbeat, and whose it was. */
function silenceOf(row: Record<string, unknown>, tasks: Map<number, string | null>): Silence {
  const event = requireTimestamp('last event time', row.last_event_time);
  const beat = parseTimestamp('file_processing_steps.heartbeat_at', row.heartbeat_at);
  if (beat !== null && beat > event)
    return { since: beat, lastTouchedBy: parseText('heartbeat_by', row.heartbeat_by) };
  return { since: event, lastTouchedBy: taskOf(row, tasks) };
}
