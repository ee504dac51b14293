import type { StepStatus } from '../status/step-status.js';

/** Why an internal event was written, where its status alone does not say (docs/architecture.md#metrics). */
export type ChangeCause = 'retry' | 'lease_expired' | 'stalled';

/** One committed step change, as metrics see it. */
export interface StepChangeReport {
  stepName: string;
  /** The step's status before the event; null for a step nothing had happened to. */
  from: string | null;
  to: StepStatus;
  /** For an event that ends a run (from in_progress): the time since that run's start event, in ms. */
  runMs: number | null;
  cause: ChangeCause | null;
}

/** Collects the changes of one transaction; the unit of work reports them once it has committed. */
export interface ChangeSink {
  record(change: StepChangeReport): void;
}

/** Told about every step change once its transaction committed, whichever process or use-case made it. */
export interface StepObserver {
  committed(changes: readonly StepChangeReport[]): void;
}
