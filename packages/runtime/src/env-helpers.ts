import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { LOG_LEVELS } from './log-levels.js';

// The building blocks of every app's environment schema, so a variable of one kind is read and reported the same
// way in every app. Each helper takes the raw string (or its absence) and yields the parsed value.

const text = z.string().trim();

/** A whole number within [min, max]; an empty or absent value is undefined (add `.default(n)` for a default). */
export const envInteger = (min: number, max: number) =>
  text
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional();

/** A duration in milliseconds within [min, max]. */
export const envMilliseconds = (min: number, max: number) =>
  text
    .regex(/^\d+$/, `must be a whole number of milliseconds from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional();

/** A TCP port; 0 lets the system pick a free one. */
export const envPort = () => envInteger(0, 65_535);

/** true/false/1/0, or absent. */
export const envFlag = () =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'must be true, false, 1 or 0' })
    .optional()
    .transform((value) => (value === undefined ? undefined : value === 'true' || value === '1'));

/** Trimmed text; empty counts as absent (null), so `VAR=` in a .env file means "not set". */
export const envOptionalText = () =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? null : value.trim()));

/** An http(s) URL, or null when absent or empty. */
export const envUrl = () =>
  envOptionalText().pipe(
    z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).nullable(),
  );

/** A comma-separated list; blanks around and between entries are dropped. */
export const envList = () =>
  z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    );

/** A path, resolved against `cwd` when relative. */
export const envPath = (cwd: string, fallback: string) =>
  text
    .min(1)
    .default(fallback)
    .transform((path) => (isAbsolute(path) ? path : resolve(cwd, path)));

/** A JSON value checked by `schema`; bad JSON and schema problems are reported like any other variable's. */
export const envJson = <S extends z.ZodType>(schema: S) =>
  z
    .string()
    .transform((value, context): unknown => {
      try {
        return JSON.parse(value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: `not valid JSON (${(error as Error).message})` });
        return z.NEVER;
      }
    })
    .pipe(schema);

/** LOG_LEVEL, the same levels in every app. */
export const envLogLevel = () => z.enum(LOG_LEVELS).default('info');
