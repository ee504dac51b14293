import { classifierFor, type Workflow } from '../workflow/workflow.js';
import type { OverallStatus } from './step-status.js';

/** What the status rules need to know about one step row. Legacy rows may carry any status text. */
export interface StepSnapshot {
  stepName: string;
  status: string;
  attempts: number;
  /**
   * When steptrail's worker may claim the step; null (or absent, for rows no scheduler writes) means not scheduled.
   * Only the managed rule reads it (docs/architecture.md#overall-status).
   */
  runAfter?: Date | null;
}

export interface OverallStatusResult {
  status: OverallStatus;
  hasErrors: boolean;
  totalSteps: number;
  completedSteps: number;
  failedSteps: number;
  inProgressSteps: number;
  skippedSteps: number;
}

export interface StatusInput {
  isDuplicate: boolean;
  /** steptrail's worker runs the file: the managed rule applies (docs/architecture.md#difference-managed-status). */
  managed: boolean;
  workflow: Workflow;
  steps: readonly StepSnapshot[];
}

/** The status of a file without steps, and the one list of an overall status's fields. */
export const PENDING_STATUS: OverallStatusResult = Object.freeze({
  status: 'pending',
  hasErrors: false,
  totalSteps: 0,
  completedSteps: 0,
  failedSteps: 0,
  inProgressSteps: 0,
  skippedSteps: 0,
});

/** Every field of OverallStatusResult, read off PENDING_STATUS, whose type makes it name each one exactly once. */
export const OVERALL_STATUS_FIELDS = Object.keys(PENDING_STATUS) as ReadonlyArray<keyof OverallStatusResult>;

/** The overall-status fields of a larger record (a file's rollup), without anything else it holds. */
export function overallStatusOf(source: OverallStatusResult): OverallStatusResult {
  return {
    ...PENDING_STATUS,
    ...Object.fromEntries(OVERALL_STATUS_FIELDS.map((field) => [field, source[field]])),
  };
}

/** Same status and counts. */
export function sameOverallStatus(a: OverallStatusResult, b: OverallStatusResult): boolean {
  return OVERALL_STATUS_FIELDS.every((field) => a[field] === b[field]);
}

/** The one overall-status rule (docs/architecture.md#overall-status), used by every view of a file. */
export function computeOverallStatus({
  isDuplicate,
  managed,
  workflow,
  steps,
}: StatusInput): OverallStatusResult {
  if (isDuplicate) return { ...PENDING_STATUS, status: 'duplicate' };
  const classifier = classifierFor(workflow);
  const real = steps.filter((step) => classifier.isReal(step.stepName));
  if (real.length === 0) return { ...PENDING_STATUS };

  const count = (status: string) => real.filter((step) => step.status === status).length;
  const counts = {
    totalSteps: real.length,
    completedSteps: count('success'),
    failedSteps: count('failure'),
    inProgressSteps: count('in_progress'),
    skippedSteps: count('skipped'),
  };
  const result = (status: OverallStatus): OverallStatusResult => ({
    status,
    hasErrors: counts.failedSteps > 0,
    ...counts,
  });

  if (counts.failedSteps > 0) return result('failed');
  const waitingForRetry = real.some((step) => step.status === 'pending' && step.attempts > 0);
  if (counts.inProgressSteps > 0 || waitingForRetry) return result('processing');
  if (managed && movingOn(real)) return result('processing');
  const hasTerminal = real.some((step) => classifier.isTerminal(step.stepName));
  if (counts.completedSteps + counts.skippedSteps === real.length) {
    return result(hasTerminal ? 'completed' : 'pending');
  }
  const terminalSucceeded = real.some(
    (step) => classifier.isTerminal(step.stepName) && step.status === 'success',
  );
  return result(terminalSucceeded ? 'completed' : 'pending');
}

/**
 * The managed rule (docs/architecture.md#overall-status, rule 5): a step has finished and another is scheduled, so
 * the worker is between two steps of the file. DocuElevate's rule reads this `pending` (or `completed`, when only
 * uploads remain); steptrail's worker schedules the next step in the transaction that finishes one, so for its own
 * files this is work in progress.
 */
function movingOn(steps: readonly StepSnapshot[]): boolean {
  const finished = steps.some((step) => step.status === 'success' || step.status === 'skipped');
  const scheduled = steps.some(
    (step) => step.status === 'pending' && step.runAfter !== null && step.runAfter !== undefined,
  );
  return finished && scheduled;
}
