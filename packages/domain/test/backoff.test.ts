import { describe, expect, test } from 'vitest';
import { retryDelayMs } from '../src/retry/backoff.js';

const policy = { baseMs: 1_000, maxMs: 60_000 };

describe('retryDelayMs', () => {
  test.each([
    // failed attempts, random draw, expected delay
    [1, 0, 500],
    [1, 1, 1_000],
    [2, 0, 1_000],
    [2, 1, 2_000],
    [3, 0.5, 3_000],
    [6, 1, 32_000],
    [7, 1, 60_000],
    [7, 0, 30_000],
    [50, 1, 60_000],
    [5_000, 0.25, 37_500],
  ])('after %i failed attempt(s) with a draw of %f waits %i ms', (attempts, draw, expected) => {
    expect(retryDelayMs(attempts, policy, () => draw)).toBe(expected);
  });

  test('the ceiling doubles with every failure until it reaches the maximum', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => retryDelayMs(attempt, policy, () => 1));
    expect(ceilings).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
  });

  test('jitter keeps every delay within the upper half of its ceiling', () => {
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
      for (const draw of [0, 0.1, 0.5, 0.9, 0.999]) {
        const delay = retryDelayMs(attempt, policy, () => draw);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  test('a draw outside [0, 1] and an attempt below 1 are clamped', () => {
    expect(retryDelayMs(0, policy, () => -3)).toBe(500);
    expect(retryDelayMs(1, policy, () => 7)).toBe(1_000);
  });
});
