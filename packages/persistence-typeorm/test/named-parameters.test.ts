import { describe, expect, it } from 'vitest';
import { bindNamedParameters } from '../src/named-parameters.js';

const dollar = (position: number): string => `$${position}`;
const escapeEachOccurrence = (sql: string, parameters: Record<string, unknown>) =>
  bindNamedParameters(sql, parameters, dollar);

describe('bindNamedParameters', () => {
  it('gives a name used twice two positions, so PostgreSQL deduces a type for each', () => {
    expect(escapeEachOccurrence('INSERT INTO t (a, b) VALUES (:now, :now)', { now: 'x' })).toEqual([
      'INSERT INTO t (a, b) VALUES ($1, $2)',
      ['x', 'x'],
    ]);
  });

  it('expands :...list into one position per element', () => {
    expect(
      escapeEachOccurrence('SELECT 1 WHERE id IN (:...ids) AND a = :a', { ids: [3, 4, 5], a: true }),
    ).toEqual(['SELECT 1 WHERE id IN ($1, $2, $3) AND a = $4', [3, 4, 5, true]]);
  });

  it('leaves colons that name no parameter alone (literals, casts)', () => {
    expect(escapeEachOccurrence(`SELECT '12:30:00'::time, :x`, { x: null })).toEqual([
      `SELECT '12:30:00'::time, $1`,
      [null],
    ]);
  });

  it('refuses a :...list parameter that is not a list', () => {
    expect(() => escapeEachOccurrence('SELECT :...ids', { ids: 3 })).toThrow(TypeError);
  });
});
