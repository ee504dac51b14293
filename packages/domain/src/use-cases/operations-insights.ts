import { groupFailures, type FailureGroup } from '../insights/failure-triage.js';
import { computeStepTimings, type StepTimings } from '../insights/step-timings.js';
import type { TimeWindow } from '../ports/step-statistics.js';
import type { Repositories } from '../ports/unit-of-work.js';

export interface FailureTriage {
  window: TimeWindow;
  /** Failed steps read (all of them in the window unless `truncated`). */
  failedSteps: number;
  /** True when the window holds more failed steps than were read: the groups describe the latest ones. */
  truncated: boolean;
  /** Groups in all, of which `groups` holds the first `maxGroups`. */
  totalGroups: number;
  groups: FailureGroup[];
}

export interface InsightLimits {
  /** The most rows one read brings back (failed steps, finishes, starts). */
  maxRows: number;
}

export const DEFAULT_INSIGHT_LIMITS: InsightLimits = Object.freeze({ maxRows: 20_000 });

/**
 * What operators read about failures and speed, from the rows already stored: failure triage and step timings
 * (docs/architecture.md#failure-triage, #timings). Reads only; rules are the domain's, reads the store's.
 */
export class OperationsInsights {
  constructor(
    private readonly reads: Repositories,
    private readonly limits: InsightLimits = DEFAULT_INSIGHT_LIMITS,
  ) {}

  /** Failed steps in the window grouped by step and normalized error, biggest group first. */
  async failureTriage(
    window: TimeWindow,
    options: { maxGroups: number; sampleSize: number },
  ): Promise<FailureTriage> {
    const rows = await this.reads.statistics.failedSteps(window, this.limits.maxRows + 1);
    const truncated = rows.length > this.limits.maxRows;
    const groups = groupFailures(truncated ? rows.slice(0, this.limits.maxRows) : rows, options.sampleSize);
    return {
      window,
      failedSteps: Math.min(rows.length, this.limits.maxRows),
      truncated,
      totalGroups: groups.length,
      groups: groups.slice(0, options.maxGroups),
    };
  }

  /** Per-step durations, queue waits and throughput over the window. */
  async stepTimings(window: TimeWindow): Promise<StepTimings> {
    const cap = this.limits.maxRows;
    const [finishes, starts] = await Promise.all([
      this.reads.statistics.finishes(window, cap + 1),
      this.reads.statistics.starts(window, cap + 1),
    ]);
    const sampled = finishes.length > cap || starts.length > cap;
    return computeStepTimings(window, finishes.slice(0, cap), starts.slice(0, cap), sampled);
  }
}
