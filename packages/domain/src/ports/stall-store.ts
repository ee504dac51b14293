import type { LockedStep, StepRef } from './work-queue.js';

/** When a step last showed a sign of life (its last event or heartbeat, whichever is later) and from whom. */
export interface Silence {
  since: Date;
  /** The task id of that event or heartbeat; null when it named none. */
  lastTouchedBy: string | null;
}

/** An in-progress step without a worker's lease, locked with its file for the stall sweep. */
export interface SilentStep extends LockedStep, Silence {}

/** A step that may be stuck: silent while in progress, or runnable and unclaimed since `since`. */
export interface StuckCandidate extends StepRef, Silence {
  kind: 'silent' | 'unclaimed';
  workflowName: string;
  attempts: number;
}

export interface StuckCandidateQuery {
  /** In-progress steps without a lease whose last event and heartbeat are both at or before this. */
  silentSince: Date;
  /** Runnable steps of managed files whose run_after is at or before this. */
  unclaimedSince: Date;
  /** Keyset cursor: only steps after this (file id, then step name). */
  after: StepRef | null;
  limit: number;
}

/** How many steps of one name are runnable (pending, due, of a managed file) and in progress. */
export interface ActiveSteps {
  stepName: string;
  runnable: number;
  inProgress: number;
}

/** Transaction-scoped access to in-progress steps for stall detection (docs/architecture.md#stalls). */
export interface StallStore {
  /**
   * Records a heartbeat (time and reporter) on an in-progress step; false, writing nothing, when the step is not
   * in progress. Writes no log row: a heartbeat changes no state.
   */
  heartbeat(ref: StepRef, at: Date, by: string | null): Promise<boolean>;
  /**
   * Locks up to `limit` in-progress steps that no worker leases and whose last event and heartbeat are both at or
   * before `silentSince`, with their files, never waiting on rows another transaction holds; longest silent first.
   */
  lockSilent(limit: number, silentSince: Date): Promise<SilentStep[]>;
  /** Both kinds of stuck candidates, ordered by (file id, step name), at most `limit`. */
  listStuck(query: StuckCandidateQuery): Promise<StuckCandidate[]>;
  /** Runnable and in-progress steps per step name (only names with at least one), for metrics gauges. */
  countActive(now: Date): Promise<ActiveSteps[]>;
}
