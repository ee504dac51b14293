/**
 * What every supported database stores and returns unchanged (docs/architecture.md#storable-values). A value outside
 * these ranges would be refused by one database, silently changed by another and kept by a third, so steptrail
 * refuses it before any write, the same everywhere.
 */

/** Ids (files, log rows, bulk operations, webhooks) are 32-bit integer columns on PostgreSQL and MySQL. */
export const MAX_ID = 2_147_483_647;

/**
 * Event times: MariaDB's DATETIME starts at year 1000 (and turned years 0000/0001 into 2000/2001), PostgreSQL and
 * MariaDB end at year 9999 in their text forms, and the Unix epoch is the earliest time a pipeline event can have.
 */
export const EVENT_TIME_RANGE = {
  min: new Date('1970-01-01T00:00:00.000Z'),
  max: new Date('9999-12-31T23:59:59.999Z'),
} as const;

/** "from 1970-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z", for messages. */
export const EVENT_TIME_RANGE_TEXT = `from ${EVENT_TIME_RANGE.min.toISOString()} to ${EVENT_TIME_RANGE.max.toISOString()}`;

/** Whether `date` is a valid time within EVENT_TIME_RANGE. */
export const withinEventTimes = (date: Date): boolean =>
  date.getTime() >= EVENT_TIME_RANGE.min.getTime() && date.getTime() <= EVENT_TIME_RANGE.max.getTime();

/** Whether `id` is a whole number an id column holds. */
export const isStorableId = (id: number): boolean => Number.isInteger(id) && id >= 1 && id <= MAX_ID;

/** A lone UTF-16 surrogate: no Unicode character, so each database stores something else in its place. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Why `text` cannot be stored unchanged, or null when it can: PostgreSQL refuses U+0000 in text, and a lone
 * surrogate becomes U+FFFD on PostgreSQL and MariaDB but three undecodable bytes on SQLite.
 */
export function unstorableText(text: string): string | null {
  if (text.includes('\u0000')) return 'Contains a NUL character (U+0000), which is not stored; remove it.';
  if (LONE_SURROGATE.test(text))
    return 'Contains a lone UTF-16 surrogate (e.g. \\ud800 without its pair), which is not Unicode text; remove it.';
  return null;
}

const LONE_SURROGATES = /\p{Cs}/gu;

/**
 * `text` with every character unstorableText names replaced by U+FFFD, for text steptrail composes itself from
 * what it does not control (a worker's error from a corrupt document, a stack trace): refusing it would lose the
 * step's outcome, and each database would otherwise store it differently or refuse the write.
 */
export function storableText(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD').replace(LONE_SURROGATES, '\uFFFD');
}
