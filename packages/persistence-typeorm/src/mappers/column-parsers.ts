/**
 * Parsers from driver values to domain values. Each database hands back timestamps, booleans and big integers
 * differently (Date or text, boolean or 0/1, number or string); rows are parsed here, never cast.
 */

export class RowParseError extends Error {
  constructor(column: string, value: unknown, expected: string) {
    super(`Column ${column} holds ${JSON.stringify(value)}, expected ${expected}.`);
    this.name = 'RowParseError';
  }
}

import { readUtcWallTime } from './utc-wall-time.js';

// SQLite (and legacy rows) store UTC timestamps as text: "YYYY-MM-DD HH:MM:SS[.ffffff]", optionally with a zone.
const TEXT_TIMESTAMP =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

export function parseTimestamp(column: string, value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RowParseError(column, value, 'a valid timestamp');
    return value;
  }
  if (typeof value === 'string') {
    const wallTime = readUtcWallTime(value);
    if (wallTime !== null) return wallTime;
    const match = TEXT_TIMESTAMP.exec(value.trim());
    if (match !== null) {
      const [, date, time, fraction = '', zone = 'Z'] = match;
      const millis = fraction === '' ? '' : `.${fraction.slice(1, 4).padEnd(3, '0')}`;
      const seconds = time?.length === 5 ? `${time}:00` : time;
      const offset = zone === 'Z' ? 'Z' : normalizeOffset(zone);
      const parsed = new Date(`${date}T${seconds}${millis}${offset}`);
      if (!Number.isNaN(parsed.getTime())) return parsed;
    }
  }
  throw new RowParseError(column, value, 'a timestamp');
}

function normalizeOffset(zone: string): string {
  const digits = zone.replace(':', '');
  return `${digits.slice(0, 3)}:${digits.slice(3, 5).padEnd(2, '0')}`;
}

export function requireTimestamp(column: string, value: unknown): Date {
  const parsed = parseTimestamp(column, value);
  if (parsed === null) throw new RowParseError(column, value, 'a timestamp');
  return parsed;
}

export function parseInteger(column: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    const parsed = Number(value);
    if (Number.isSafeInteger(parsed)) return parsed;
  }
  throw new RowParseError(column, value, 'an integer');
}

export function requireInteger(column: string, value: unknown): number {
  const parsed = parseInteger(column, value);
  if (parsed === null) throw new RowParseError(column, value, 'an integer');
  return parsed;
}

export function parseText(column: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  throw new RowParseError(column, value, 'text');
}

export function requireText(column: string, value: unknown): string {
  const parsed = parseText(column, value);
  if (parsed === null) throw new RowParseError(column, value, 'text');
  return parsed;
}

/** A text column holding one of `allowed`: an enumeration stored as text. */
export function requireOneOf<T extends string>(column: string, allowed: readonly T[], value: unknown): T {
  const text = requireText(column, value);
  const found = allowed.find((candidate) => candidate === text);
  if (found === undefined) throw new RowParseError(column, text, `one of ${allowed.join(', ')}`);
  return found;
}

export function parseBoolean(column: string, value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === '1' || value === 't' || value === 'true') return true;
  if (value === 0 || value === '0' || value === 'f' || value === 'false') return false;
  throw new RowParseError(column, value, 'a boolean');
}
