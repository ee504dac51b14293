import { retryDelayMs, type BackoffPolicy, type StepOutcome } from '@steptrail/domain';
import { describeError } from '@steptrail/runtime';
import { isPermanentError } from './permanent-error.js';

export interface RetryPolicy {
  backoff: BackoffPolicy;
  /** The most attempts a step gets, counting the first run. */
  maxAttempts(stepName: string): number;
}

export function retryPolicy(options: {
  backoff: BackoffPolicy;
  maxAttempts: number;
  maxAttemptsByStep: Readonly<Record<string, number>>;
}): RetryPolicy {
  return {
    backoff: options.backoff,
    maxAttempts: (stepName) => options.maxAttemptsByStep[stepName] ?? options.maxAttempts,
  };
}

const MAX_DETAIL_CHARS = 4_000;

/**
 * How a thrown error ends an attempt: a permanent error fails the step at once; a transient one schedules the next
 * attempt after a jittered exponential delay while attempts remain, and fails the step when they are used up.
 */
export function failureOutcome(
  error: unknown,
  step: { stepName: string; attempt: number },
  policy: RetryPolicy,
  now: Date,
  random: () => number = Math.random,
): StepOutcome & { status: 'failure' } {
  const message = error instanceof Error ? error.message : String(error);
  const max = policy.maxAttempts(step.stepName);
  const stack = error instanceof Error && error.stack !== undefined ? `\n${error.stack}` : '';
  const explain = (verdict: string) =>
    `${verdict}\n${describeError(error)}${stack}`.slice(0, MAX_DETAIL_CHARS);
  if (isPermanentError(error)) {
    return {
      status: 'failure',
      message,
      detail: explain(`Permanent error on attempt ${step.attempt}; not retried.`),
      retryAt: null,
    };
  }
  if (step.attempt >= max) {
    return {
      status: 'failure',
      message,
      detail: explain(`Transient error on attempt ${step.attempt} of ${max}; no attempts left.`),
      retryAt: null,
    };
  }
  const delay = retryDelayMs(step.attempt, policy.backoff, random);
  return {
    status: 'failure',
    message,
    detail: explain(`Transient error on attempt ${step.attempt} of ${max}; retrying in ${delay} ms.`),
    retryAt: new Date(now.getTime() + delay),
  };
}
