import { readLogStatus, type StepStatus } from '../status/step-status.js';

/** Where an event sits in a step's history: events are ordered by (occurredAt, id). */
export interface EventPosition {
  occurredAt: Date;
  id: number;
}

interface EventBase extends EventPosition {
  message: string | null;
  detail: string | null;
}

/** A change to one step. `pending` covers re-queueing (retry scheduled, lease expired, released). */
export type StepEvent =
  | (EventBase & { status: 'pending' })
  | (EventBase & { status: 'in_progress' })
  | (EventBase & { status: 'success' })
  | (EventBase & { status: 'failure' })
  | (EventBase & { status: 'skipped' });

/** One stored `processing_logs` row, as the repositories return it. */
export interface LogEntry {
  id: number;
  fileId: number | null;
  taskId: string | null;
  stepName: string | null;
  /** The raw status text as stored; legacy rows may hold anything. */
  status: string | null;
  message: string | null;
  detail: string | null;
  occurredAt: Date;
}

/** Negative when a sorts before b, by (occurredAt, id): the order of docs/architecture.md#event-order. */
export function compareEvents(a: EventPosition, b: EventPosition): number {
  const byTime = a.occurredAt.getTime() - b.occurredAt.getTime();
  return byTime !== 0 ? byTime : a.id - b.id;
}

export function sortEvents<T extends EventPosition>(events: readonly T[]): T[] {
  return [...events].sort(compareEvents);
}

/** The step event a log row stands for, or null when the fold must ignore it. */
export function toStepEvent(log: LogEntry): StepEvent | null {
  const status: StepStatus | null = readLogStatus(log.status);
  if (status === null) return null;
  return {
    status,
    id: log.id,
    occurredAt: log.occurredAt,
    message: log.message,
    detail: log.detail,
  };
}
