import type {
  EventWithPrevious,
  FailedStepRow,
  LogEntry,
  StepStatistics,
  TimeWindow,
} from '@steptrail/domain';
import { parseText, requireInteger, requireText, requireTimestamp } from '../mappers/column-parsers.js';
import { LOG_COLUMNS, toLogEntry } from '../mappers/row-mappers.js';
import type { SqlExecutor } from '../sql-executor.js';

/** The previous event among `scope`'s rows, by (timestamp, id): one index read per event. */
const previousId = (scope: string) =>
  `(SELECT p.id FROM processing_logs p WHERE ${scope}
      AND (p.timestamp < l.timestamp OR (p.timestamp = l.timestamp AND p.id < l.id))
    ORDER BY p.timestamp DESC, p.id DESC LIMIT 1) AS previous_id`;

/**
 * The reads of failure triage and step timings (docs/architecture.md#failure-triage, #timings). Failed steps come
 * from the partial index of failed steps by completion time; events of a kind in a window from
 * `processing_logs(status, timestamp)`, and each one's previous event from the history indexes.
 */
export class TypeormStepStatistics implements StepStatistics {
  constructor(private readonly sql: SqlExecutor) {}

  async failedSteps(window: TimeWindow, limit: number): Promise<FailedStepRow[]> {
    const rows = await this.sql.rows(
      `SELECT file_id, step_name, error_message, completed_at FROM file_processing_steps
       WHERE status = 'failure' AND completed_at >= :from AND completed_at < :to
       ORDER BY completed_at DESC LIMIT :limit`,
      { ...this.bounds(window), limit },
    );
    return rows.map((row) => ({
      fileId: requireInteger('file_processing_steps.file_id', row.file_id),
      stepName: requireText('file_processing_steps.step_name', row.step_name),
      errorMessage: parseText('file_processing_steps.error_message', row.error_message),
      failedAt: requireTimestamp('file_processing_steps.completed_at', row.completed_at),
    }));
  }

  async finishes(window: TimeWindow, limit: number): Promise<EventWithPrevious[]> {
    return this.withPrevious(
      `l.status IN ('success', 'failure')`,
      previousId('p.file_id = l.file_id AND p.step_name = l.step_name'),
      window,
      limit,
    );
  }

  async starts(window: TimeWindow, limit: number): Promise<EventWithPrevious[]> {
    return this.withPrevious(`l.status = 'in_progress'`, previousId('p.file_id = l.file_id'), window, limit);
  }

  private async withPrevious(
    kind: string,
    previous: string,
    window: TimeWindow,
    limit: number,
  ): Promise<EventWithPrevious[]> {
    const rows = await this.sql.rows(
      `SELECT ${LOG_COLUMNS}, ${previous} FROM processing_logs l
       WHERE ${kind} AND l.timestamp >= :from AND l.timestamp < :to
         AND l.file_id IS NOT NULL AND l.step_name IS NOT NULL
       ORDER BY l.timestamp DESC, l.id DESC LIMIT :limit`,
      { ...this.bounds(window), limit },
    );
    const previousIds = rows
      .map((row) => (row.previous_id === null ? null : requireInteger('previous_id', row.previous_id)))
      .filter((id): id is number => id !== null);
    const byId = await this.logsById(previousIds);
    return rows.map((row) => {
      const id = row.previous_id === null ? null : requireInteger('previous_id', row.previous_id);
      return { event: toLogEntry(row), previous: id === null ? null : (byId.get(id) ?? null) };
    });
  }

  private async logsById(ids: readonly number[]): Promise<Map<number, LogEntry>> {
    const unique = [...new Set(ids)];
    const chunk = Math.min(1000, this.sql.dialect.capabilities.longestInList);
    const found = new Map<number, LogEntry>();
    for (let start = 0; start < unique.length; start += chunk) {
      const rows = await this.sql.rows(
        `SELECT ${LOG_COLUMNS} FROM processing_logs l WHERE l.id IN (:...ids)`,
        {
          ids: unique.slice(start, start + chunk),
        },
      );
      for (const log of rows.map(toLogEntry)) found.set(log.id, log);
    }
    return found;
  }

  private bounds(window: TimeWindow): { from: unknown; to: unknown } {
    const time = (value: Date) => this.sql.dialect.driver.time(value);
    return { from: time(window.from), to: time(window.to) };
  }
}
