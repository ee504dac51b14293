import { readLogStatus } from '../status/step-status.js';
import type { EventWithPrevious, TimeWindow } from '../ports/step-statistics.js';
import { retryScheduledAt } from '../retry/retry-message.js';

/** Nearest-rank percentiles of a sample, in milliseconds; null when the sample is empty. */
export interface Distribution {
  samples: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface StepTiming {
  stepName: string;
  /** Finish events (success or failure) in the window. */
  finished: number;
  succeeded: number;
  failed: number;
  /** Finished per minute over the window. */
  throughputPerMinute: number;
  /** From an attempt's start (its in_progress event) to its finish. */
  duration: Distribution;
  /** From the moment the step could run to its start. */
  queueWait: Distribution;
}

export interface StepTimings {
  window: TimeWindow;
  /** True when a read hit its cap: the figures describe the latest events only. */
  sampled: boolean;
  steps: StepTiming[];
  total: Omit<StepTiming, 'stepName'>;
}

/** The value at rank ceil(q·n) of the sorted sample (nearest rank). */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? null;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  return { samples: sorted.length, p50Ms: percentile(sorted, 0.5), p95Ms: percentile(sorted, 0.95) };
}

/** An attempt's duration: only when the step's previous event is the start of this attempt. */
export function attemptDuration({ event, previous }: EventWithPrevious): number | null {
  if (previous === null || readLogStatus(previous.status) !== 'in_progress') return null;
  return Math.max(0, event.occurredAt.getTime() - previous.occurredAt.getTime());
}

/**
 * How long a started step waited (docs/architecture.md#timings): since the file's previous event, which is what
 * made it runnable (the step before it finished, the file was registered, a lease expired, a worker released it);
 * for a scheduled retry, since the time it was scheduled for. Null for a file's first event.
 */
export function queueWait({ event, previous }: EventWithPrevious): number | null {
  if (previous === null) return null;
  let runnableAt = previous.occurredAt.getTime();
  if (previous.stepName === event.stepName && readLogStatus(previous.status) === 'pending') {
    const scheduled = retryScheduledAt(previous.message);
    if (scheduled !== null) runnableAt = Math.max(runnableAt, scheduled.getTime());
  }
  return Math.max(0, event.occurredAt.getTime() - runnableAt);
}

interface Tally {
  finished: number;
  succeeded: number;
  failed: number;
  durations: number[];
  waits: number[];
}

const emptyTally = (): Tally => ({ finished: 0, succeeded: 0, failed: 0, durations: [], waits: [] });

/** Per-step and overall timings from the finishes and starts in the window. */
export function computeStepTimings(
  window: TimeWindow,
  finishes: readonly EventWithPrevious[],
  starts: readonly EventWithPrevious[],
  sampled: boolean,
): StepTimings {
  const tallies = new Map<string, Tally>();
  const total = emptyTally();
  const tallyOf = (stepName: string | null): Tally[] => {
    if (stepName === null) return [total];
    let tally = tallies.get(stepName);
    if (tally === undefined) tallies.set(stepName, (tally = emptyTally()));
    return [tally, total];
  };
  for (const finish of finishes) {
    const succeeded = readLogStatus(finish.event.status) === 'success';
    const duration = attemptDuration(finish);
    for (const tally of tallyOf(finish.event.stepName)) {
      tally.finished += 1;
      if (succeeded) tally.succeeded += 1;
      else tally.failed += 1;
      if (duration !== null) tally.durations.push(duration);
    }
  }
  for (const start of starts) {
    const wait = queueWait(start);
    if (wait !== null) for (const tally of tallyOf(start.event.stepName)) tally.waits.push(wait);
  }
  const minutes = Math.max(1, window.to.getTime() - window.from.getTime()) / 60_000;
  const summary = (tally: Tally) => ({
    finished: tally.finished,
    succeeded: tally.succeeded,
    failed: tally.failed,
    throughputPerMinute: Math.round((tally.finished / minutes) * 1000) / 1000,
    duration: distribution(tally.durations),
    queueWait: distribution(tally.waits),
  });
  return {
    window,
    sampled,
    steps: [...tallies.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([stepName, tally]) => ({ stepName, ...summary(tally) })),
    total: summary(total),
  };
}
