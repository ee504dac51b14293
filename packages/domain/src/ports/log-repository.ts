import type { StepRef } from './work-queue.js';
import type { EventPosition, LogEntry } from '../events/step-event.js';

export type NewLogEntry = Omit<LogEntry, 'id'>;

export interface LogPage {
  items: LogEntry[];
  /** Position of the last item when more rows follow, else null. */
  next: EventPosition | null;
}

export interface LogRepository {
  /** Appends one history row and returns it with its id; existing rows are never modified. */
  append(entry: NewLogEntry): Promise<LogEntry>;
  /** Appends history rows in one go and returns them with their ids, in the given order (ids ascending). */
  appendMany(entries: readonly NewLogEntry[]): Promise<LogEntry[]>;
  /** The logs of one step, in (occurredAt, id) order. */
  listForStep(fileId: number, stepName: string): Promise<LogEntry[]>;
  /** The logs of these steps, in (occurredAt, id) order. */
  listForSteps(steps: readonly StepRef[]): Promise<LogEntry[]>;
  /** The logs of these files, ordered by file id, then (occurredAt, id). */
  listForFiles(fileIds: readonly number[]): Promise<LogEntry[]>;
  /** A file's logs in (occurredAt, id) order, starting strictly after `after` when given. */
  page(fileId: number, limit: number, after: EventPosition | null): Promise<LogPage>;
  /** Rows with an id above `afterId`, ascending by id: the change feed behind live updates. */
  listSince(afterId: number, limit: number): Promise<LogEntry[]>;
  /** The highest log id, or 0 when the table is empty. */
  maxId(): Promise<number>;
}
