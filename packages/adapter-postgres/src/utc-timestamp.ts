import { readUtcWallTime } from '@steptrail/persistence-typeorm';

// `timestamp without time zone` as PostgreSQL prints it: "2025-03-01 12:00:00[.ffffff][ BC]".
const WALL_TIME = /^(\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d+)?( BC)?$/;

/**
 * Reads `timestamp without time zone` text as a UTC wall time. pg's default reads it in the process's local zone;
 * steptrail only ever stores UTC there, and so do DocuElevate's naive `datetime.utcnow()` values.
 * ±infinity become ±Infinity as with pg's own parser; text it cannot read is handed on unchanged, so the row
 * parser reports the column and value.
 */
export function parseUtcTimestamp(text: string): Date | number | string {
  if (text === 'infinity') return Number.POSITIVE_INFINITY;
  if (text === '-infinity') return Number.NEGATIVE_INFINITY;
  const common = readUtcWallTime(text);
  if (common !== null) return common;
  const match = WALL_TIME.exec(text);
  if (match === null) return text;
  const [, year = '', month = '', day = '', hour = '', minute = '', second = '', fraction = '', era] = match;
  // 1 BC is year 0 in the proleptic Gregorian calendar JavaScript uses.
  const fullYear = era === undefined ? Number(year) : 1 - Number(year);
  const millis = fraction === '' ? 0 : Math.trunc(Number(`0${fraction}`) * 1000);
  const date = new Date(
    Date.UTC(2000, Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), millis),
  );
  // Date.UTC maps years 0-99 to 1900-1999, so the year is set on its own.
  date.setUTCFullYear(fullYear);
  return date;
}
