import { describe, expect, it } from 'vitest';
import { parseUtcTimestamp } from '../src/utc-timestamp.js';

describe('parseUtcTimestamp reads `timestamp without time zone` text as UTC', () => {
  it.each([
    ['2025-03-01 12:00:00', '2025-03-01T12:00:00.000Z'],
    ['2025-03-01 12:00:00.5', '2025-03-01T12:00:00.500Z'],
    ['2025-03-01 12:00:00.123456', '2025-03-01T12:00:00.123Z'],
    ['1999-12-31 23:59:59.999', '1999-12-31T23:59:59.999Z'],
    ['0099-06-15 08:30:00', '0099-06-15T08:30:00.000Z'],
    ['2024-02-29 00:00:00.000001', '2024-02-29T00:00:00.000Z'],
    ['0001-01-01 00:00:00 BC', '0000-01-01T00:00:00.000Z'],
    ['12345-01-01 00:00:00', '+012345-01-01T00:00:00.000Z'],
  ])('%s is the instant %s', (text, iso) => {
    const parsed = parseUtcTimestamp(text);
    expect(parsed).toBeInstanceOf(Date);
    expect((parsed as Date).toISOString()).toBe(iso);
  });

  it.each([
    ['infinity', Number.POSITIVE_INFINITY],
    ['-infinity', Number.NEGATIVE_INFINITY],
  ])('%s stays %s, as pg reads it', (text, value) => {
    expect(parseUtcTimestamp(text)).toBe(value);
  });

  it('hands text it cannot read on unchanged, for the row parser to report', () => {
    expect(parseUtcTimestamp('2025-03-01T12:00:00+02')).toBe('2025-03-01T12:00:00+02');
  });
});
