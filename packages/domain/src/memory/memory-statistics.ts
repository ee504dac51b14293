import { compareEvents, type LogEntry } from '../events/step-event.js';
import type {
  EventWithPrevious,
  FailedStepRow,
  StepStatistics,
  TimeWindow,
} from '../ports/step-statistics.js';
import type { MemoryState } from './memory-state.js';

const inWindow = (time: Date, window: TimeWindow): boolean =>
  time.getTime() >= window.from.getTime() && time.getTime() < window.to.getTime();

const latestFirst = (a: { occurredAt: Date; id: number }, b: { occurredAt: Date; id: number }) =>
  -compareEvents(a, b);

/** The statistics reads over the in-memory state (docs/architecture.md#failure-triage, #timings). */
export class MemoryStatistics implements StepStatistics {
  constructor(private readonly state: () => MemoryState) {}

  async failedSteps(window: TimeWindow, limit: number): Promise<FailedStepRow[]> {
    return [...this.state().steps.values()]
      .filter((step) => step.status === 'failure' && step.completedAt !== null)
      .filter((step) => step.completedAt !== null && inWindow(step.completedAt, window))
      .map((step) => ({
        fileId: step.fileId,
        stepName: step.stepName,
        errorMessage: step.errorMessage,
        failedAt: new Date(step.completedAt ?? 0),
      }))
      .sort((a, b) => b.failedAt.getTime() - a.failedAt.getTime())
      .slice(0, limit);
  }

  async finishes(window: TimeWindow, limit: number): Promise<EventWithPrevious[]> {
    return this.withPrevious(
      (log) => log.status === 'success' || log.status === 'failure',
      window,
      limit,
      (log, candidate) => candidate.stepName === log.stepName,
    );
  }

  async starts(window: TimeWindow, limit: number): Promise<EventWithPrevious[]> {
    return this.withPrevious(
      (log) => log.status === 'in_progress',
      window,
      limit,
      () => true,
    );
  }

  private withPrevious(
    kind: (log: LogEntry) => boolean,
    window: TimeWindow,
    limit: number,
    related: (log: LogEntry, candidate: LogEntry) => boolean,
  ): EventWithPrevious[] {
    const logs = this.state().logs;
    return logs
      .filter(
        (log) =>
          log.fileId !== null && log.stepName !== null && kind(log) && inWindow(log.occurredAt, window),
      )
      .sort(latestFirst)
      .slice(0, limit)
      .map((event) => {
        const before = logs
          .filter((candidate) => candidate.fileId === event.fileId && related(event, candidate))
          .filter((candidate) => compareEvents(candidate, event) < 0)
          .sort(latestFirst);
        const previous = before[0];
        return {
          event: structuredClone(event),
          previous: previous === undefined ? null : structuredClone(previous),
        };
      });
  }
}
