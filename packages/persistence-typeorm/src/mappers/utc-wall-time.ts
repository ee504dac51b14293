/**
 * An instant as UTC text "YYYY-MM-DD HH:MM:SS.mmm", the one shape steptrail writes timestamps in where a database
 * keeps them as text: DocuElevate's SQLite rows have the same layout, so text order is time order, and MySQL and
 * PostgreSQL read it as a DATETIME / timestamp in the UTC session the adapters open.
 */
export const utcText = (value: Date): string => value.toISOString().replace('T', ' ').slice(0, 23);

/**
 * Reads "YYYY-MM-DD HH:MM:SS[.fraction]" (or with a `T`) as a UTC instant, the one shape steptrail and DocuElevate
 * write timestamps in and PostgreSQL prints `timestamp without time zone` in, without a regular expression or a
 * second parse of built-up text: backfills read millions of them. The fraction is cut to milliseconds. Answers null
 * for any other shape, and for a day or time that does not exist, so the caller's general parser decides.
 */
export function readUtcWallTime(text: string): Date | null {
  const length = text.length;
  if (length < 19 || length === 20) return null;
  if (text[4] !== '-' || text[7] !== '-' || text[13] !== ':' || text[16] !== ':') return null;
  if (text[10] !== ' ' && text[10] !== 'T') return null;
  if (length > 19 && text[19] !== '.') return null;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  const hour = digits(text, 11, 13);
  const minute = digits(text, 14, 16);
  const second = digits(text, 17, 19);
  const fraction = length > 19 ? digits(text, 20, length) : 0;
  // Date.UTC reads years below 100 as 19xx: leave those to the general parser.
  if (Number.isNaN(year + month + day + hour + minute + second + fraction) || year < 100) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const millis = length > 23 ? digits(text, 20, 23) : fraction * 10 ** (23 - length);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  // Date.UTC rolls 2024-02-30 over into March: such a day does not exist.
  return date.getUTCDate() === day && date.getUTCMonth() === month - 1 ? date : null;
}

/** The number written in text[start, end) with decimal digits only; NaN otherwise. */
function digits(text: string, start: number, end: number): number {
  let value = 0;
  for (let index = start; index < end; index += 1) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}
