import {
  EVENT_TIME_RANGE_TEXT,
  MAX_ID,
  withinEventTimes,
  type DomainError,
  type Result,
} from '@steptrail/domain';
import { z } from 'zod';

/** Columns are VARCHAR(255) on every database; longer values are refused instead of truncated. */
export const SHORT_TEXT = 255;
/** TEXT holds 65,535 bytes on MySQL; 16,383 characters fit even at four bytes each. */
export const LONG_TEXT = 16_383;

export const isoDateTime = z.iso.datetime({ offset: true });

/** The ranges every database stores unchanged are the domain's (docs/architecture.md#storable-values). */
export { EVENT_TIME_RANGE, MAX_ID, withinEventTimes } from '@steptrail/domain';
const EVENT_TIME_MESSAGE = `must be ${EVENT_TIME_RANGE_TEXT}`;

/** An ISO 8601 time with offset, within EVENT_TIME_RANGE, as a Date. */
export const eventTime = isoDateTime
  .transform((value) => new Date(value))
  .refine(withinEventTimes, EVENT_TIME_MESSAGE);

/** A decimal id in a path or query string, from 1 to MAX_ID. */
export const idString = (message = `must be a whole number from 1 to ${MAX_ID}`) =>
  z
    .string()
    .regex(/^[1-9]\d{0,9}$/, message)
    .transform(Number)
    .refine((id) => id <= MAX_ID, message);

export const fileIdParams = z.strictObject({ id: idString().meta({ description: 'File id' }) });

/** A whole number in a query string, within bounds, with a default. */
export const queryInt = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((value) => value ?? fallback)
    .meta({ description: `A whole number from ${min} to ${max}; ${fallback} when absent` });

/**
 * A string checked by one of the domain's parse functions: the rule, its message and its error code stay in the
 * domain; `allowed` documents the values in the OpenAPI document.
 */
export function domainValue<T>(
  parse: (value: unknown) => Result<T, DomainError>,
  allowed?: readonly string[],
) {
  const schema = z.string().transform((value, ctx): T => {
    const parsed = parse(value);
    if (parsed.ok) return parsed.value;
    ctx.addIssue({ code: 'custom', message: parsed.error.message, params: { code: parsed.error.code } });
    return z.NEVER;
  });
  return allowed === undefined ? schema : schema.meta({ enum: [...allowed] });
}

export const errorResponse = z
  .strictObject({
    error: z.strictObject({
      code: z
        .string()
        .meta({ description: 'Stable machine-readable code, e.g. FILE_NOT_FOUND or VALIDATION_FAILED' }),
      message: z.string(),
      details: z
        .record(z.string(), z.unknown())
        .optional()
        .meta({ description: 'For 400s: {problems: [{path, code, message}]}, one entry per problem' }),
    }),
  })
  .meta({ id: 'Error' });
