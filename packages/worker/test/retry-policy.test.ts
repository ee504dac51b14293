import { describe, expect, test } from 'vitest';
import { PermanentError } from '../src/engine/permanent-error.js';
import { failureOutcome, retryPolicy } from '../src/engine/retry-policy.js';

const policy = retryPolicy({
  backoff: { baseMs: 100, maxMs: 1_000 },
  maxAttempts: 3,
  maxAttemptsByStep: { upload_to_s3: 5 },
});
const now = new Date('2024-01-01T00:00:00.000Z');
const draw = () => 1;

describe('failureOutcome', () => {
  test('a transient error with attempts left schedules a retry after the backoff delay', () => {
    const outcome = failureOutcome(
      new Error('timeout'),
      { stepName: 'hash_file', attempt: 2 },
      policy,
      now,
      draw,
    );
    expect(outcome).toMatchObject({
      status: 'failure',
      message: 'timeout',
      retryAt: new Date('2024-01-01T00:00:00.200Z'),
    });
    expect(outcome.detail).toContain('attempt 2 of 3');
  });

  test('a transient error on the last attempt fails the step', () => {
    expect(
      failureOutcome(new Error('timeout'), { stepName: 'hash_file', attempt: 3 }, policy, now, draw).retryAt,
    ).toBeNull();
  });

  test('the per-step maximum overrides the default', () => {
    expect(
      failureOutcome(new Error('503'), { stepName: 'upload_to_s3', attempt: 3 }, policy, now, draw).retryAt,
    ).not.toBeNull();
    expect(
      failureOutcome(new Error('503'), { stepName: 'upload_to_s3', attempt: 5 }, policy, now, draw).retryAt,
    ).toBeNull();
  });

  test('a permanent error fails at once, even on the first attempt', () => {
    const outcome = failureOutcome(
      new PermanentError('corrupt PDF'),
      { stepName: 'check_text', attempt: 1 },
      policy,
      now,
      draw,
    );
    expect(outcome).toMatchObject({ status: 'failure', message: 'corrupt PDF', retryAt: null });
    expect(outcome.detail).toContain('Permanent error');
  });

  test('an error that only says it is permanent (from a plugin) counts as permanent', () => {
    const error = Object.assign(new Error('bad input'), { permanent: true });
    expect(failureOutcome(error, { stepName: 'custom', attempt: 1 }, policy, now, draw).retryAt).toBeNull();
  });

  test('a thrown non-Error still gives a message', () => {
    expect(
      failureOutcome('plain string', { stepName: 'custom', attempt: 1 }, policy, now, draw).message,
    ).toBe('plain string');
  });
});
