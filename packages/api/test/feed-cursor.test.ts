import { describe, expect, test } from 'vitest';
import { SettledWatermark, deliverableCount } from '../src/http/sse/feed-cursor.js';

const rows = (...ids: number[]) => ids.map((id) => ({ id }));

describe('which change-feed rows may be delivered', () => {
  test.each([
    { name: 'contiguous rows all go', cursor: 10, ids: [11, 12, 13], settled: 0, expected: 3 },
    { name: 'a gap stops delivery at the gap', cursor: 10, ids: [11, 13, 14], settled: 0, expected: 1 },
    { name: 'a gap right after the cursor delivers nothing', cursor: 10, ids: [12], settled: 0, expected: 0 },
    {
      name: 'gaps below the settled id are skipped',
      cursor: 10,
      ids: [12, 15, 16],
      settled: 15,
      expected: 3,
    },
    {
      name: 'a gap above the settled id still waits',
      cursor: 10,
      ids: [12, 15, 17],
      settled: 15,
      expected: 2,
    },
    { name: 'no rows, nothing to deliver', cursor: 10, ids: [], settled: 99, expected: 0 },
  ])('$name', ({ cursor, ids, settled, expected }) => {
    expect(deliverableCount(rows(...ids), cursor, settled)).toBe(expected);
  });

  test('rows at or below the cursor are a bug in the caller', () => {
    expect(() => deliverableCount(rows(10), 10, 0)).toThrow(/ascend above the cursor/);
  });
});

describe('settled watermark', () => {
  test('an id is settled once it was seen at least the grace period ago', () => {
    const watermark = new SettledWatermark(1000);
    watermark.observe(5, 0);
    watermark.observe(9, 600);
    expect(watermark.settledId(500)).toBe(0);
    expect(watermark.settledId(1000)).toBe(5);
    expect(watermark.settledId(1599)).toBe(5);
    expect(watermark.settledId(1600)).toBe(9);
  });

  test('with no grace (ids commit in order) everything seen is settled', () => {
    const watermark = new SettledWatermark(0);
    watermark.observe(42, 10);
    expect(watermark.settledId(10)).toBe(42);
  });

  test('old samples are dropped but the newest settled one is kept', () => {
    const watermark = new SettledWatermark(100);
    for (let at = 0; at <= 10_000; at += 50) watermark.observe(at, at);
    expect(watermark.settledId(10_000)).toBe(9_900);
  });
});
