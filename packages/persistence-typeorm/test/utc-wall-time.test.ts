import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../src/mappers/column-parsers.js';
import { readUtcWallTime } from '../src/mappers/utc-wall-time.js';

const iso = (date: Date | null) => date?.toISOString() ?? null;

describe('readUtcWallTime reads the common timestamp shape without a regular expression', () => {
  it.each([
    ['2025-03-01 12:00:00', '2025-03-01T12:00:00.000Z'],
    ['2025-03-01T12:00:00', '2025-03-01T12:00:00.000Z'],
    ['2025-03-01 12:00:00.5', '2025-03-01T12:00:00.500Z'],
    ['2025-03-01 12:00:00.12', '2025-03-01T12:00:00.120Z'],
    ['2025-03-01 12:00:00.123456', '2025-03-01T12:00:00.123Z'],
    ['2024-02-29 23:59:59.999', '2024-02-29T23:59:59.999Z'],
  ])('%s is the instant %s', (text, expected) => {
    expect(iso(readUtcWallTime(text))).toBe(expected);
  });

  it.each([
    '2024-02-30 00:00:00',
    '2023-02-29 00:00:00',
    '2025-13-01 00:00:00',
    '2025-03-01 24:00:00',
    '2025-03-01 12:60:00',
    '2025-03-01 12:00:00.',
    '2025-03-01 12:00:00Z',
    '2025-03-01 12:00:00+02',
    '2025-03-01 12:00:00.5x',
    '0099-06-15 08:30:00',
    ' 2025-03-01 12:00:00',
    '2025-03-01 12:00',
    '2025/03/01 12:00:00',
  ])('leaves %j to the general parser', (text) => {
    expect(readUtcWallTime(text)).toBeNull();
  });

  it('agrees with the general parser on every instant it reads', () => {
    const pad = (value: number, width: number) => String(value).padStart(width, '0');
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0100-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom('', '.5', '.25', '.125', '.123456'),
        fc.constantFrom(' ', 'T'),
        (date, fraction, separator) => {
          const text =
            `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
            `${separator}${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}${fraction}`;
          const general = new Date(
            `${text.slice(0, 10)}T${text.slice(11, 19)}${fraction.slice(0, 4).padEnd(fraction === '' ? 0 : 4, '0')}Z`,
          );
          expect(iso(readUtcWallTime(text))).toBe(general.toISOString());
          expect(iso(parseTimestamp('column', text))).toBe(general.toISOString());
        },
      ),
    );
  });

  it('parseTimestamp still reads the other shapes and rejects text that is no timestamp', () => {
    expect(iso(parseTimestamp('column', '2025-03-01 12:00:00+02'))).toBe('2025-03-01T10:00:00.000Z');
    expect(iso(parseTimestamp('column', '2025-03-01T12:00Z'))).toBe('2025-03-01T12:00:00.000Z');
    expect(() => parseTimestamp('column', '2025-03-01 noon')).toThrow(
      /Column column holds "2025-03-01 noon", expected a timestamp/,
    );
  });
});
