import type { LogEntry } from '../events/step-event.js';

/** A half-open time range: from inclusive, to exclusive. */
export interface TimeWindow {
  from: Date;
  to: Date;
}

/** A step whose current state is failed. */
export interface FailedStepRow {
  fileId: number;
  stepName: string;
  errorMessage: string | null;
  /** Its completion time: when it failed. */
  failedAt: Date;
}

/** A history event and the one before it in some order (null when it is the first). */
export interface EventWithPrevious {
  event: LogEntry;
  previous: LogEntry | null;
}

/** The reads behind failure triage and step timings (docs/architecture.md#failure-triage, #timings). */
export interface StepStatistics {
  /** Steps currently failed whose completion lies in the window, latest first, at most `limit`. */
  failedSteps(window: TimeWindow, limit: number): Promise<FailedStepRow[]>;
  /**
   * `success` and `failure` events in the window (of a file and a step), latest first, at most `limit`, each with
   * the step's previous event by (occurredAt, id).
   */
  finishes(window: TimeWindow, limit: number): Promise<EventWithPrevious[]>;
  /**
   * `in_progress` events in the window (of a file and a step), latest first, at most `limit`, each with the
   * file's previous event by (occurredAt, id), whatever its step.
   */
  starts(window: TimeWindow, limit: number): Promise<EventWithPrevious[]>;
}
