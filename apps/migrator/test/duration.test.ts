import { describe, expect, it } from 'vitest';
import { parseDuration } from '../src/cli/duration.js';

describe('durations', () => {
  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['12h', 43_200_000],
    ['90d', 7_776_000_000],
    ['2w', 1_209_600_000],
    [' 7d ', 604_800_000],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text)?.ms).toBe(ms);
  });

  it.each(['', '0d', '-1d', '1.5d', '10', 'd', '3y', '10 days', '1d2h'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});
