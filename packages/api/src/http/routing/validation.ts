import type { DomainError, Result } from '@steptrail/domain';
import type { z } from 'zod';
import { ApiError, type ApiErrorCode, type Problem } from '../errors/api-error.js';
import { DOMAIN_ERROR_STATUS } from '../errors/error-table.js';
import { unstorableTextProblems } from './unstorable-text.js';

/** How many problems an error body lists; a hostile body can have 100,000 and must not get a 12 MB answer. */
export const MAX_LISTED_PROBLEMS = 20;
const MAX_KEY_SHOWN = 64;

const shownKey = (key: string): string =>
  key.length <= MAX_KEY_SHOWN ? key : `${key.slice(0, MAX_KEY_SHOWN)}… (${key.length} characters)`;

/**
 * A zod check that applies one of the domain's parse functions, so the rule lives in the domain only; the problem
 * carries the domain's code and message.
 */
export const domainRule =
  (parse: (value: unknown) => Result<unknown, DomainError>) =>
  (value: unknown, ctx: z.RefinementCtx): void => {
    const parsed = parse(value);
    if (!parsed.ok)
      ctx.addIssue({ code: 'custom', message: parsed.error.message, params: { code: parsed.error.code } });
  };

export type Location = 'params' | 'query' | 'body' | 'headers';

export function problemsOf(location: Location, error: z.ZodError): Problem[] {
  return error.issues.flatMap((issue): Problem[] => {
    const base = [location, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: `${base}.${shownKey(key)}`,
        code: 'unrecognized_key',
        message: `Unknown field "${shownKey(key)}".`,
      }));
    }
    const custom: unknown = issue.code === 'custom' ? issue.params?.['code'] : undefined;
    return [{ path: base, code: typeof custom === 'string' ? custom : issue.code, message: issue.message }];
  });
}

const isDomainCode = (code: string): code is keyof typeof DOMAIN_ERROR_STATUS => code in DOMAIN_ERROR_STATUS;

/**
 * One 400 listing the problems: every one up to MAX_LISTED_PROBLEMS, then how many more there are. Its code is the
 * domain's when a single domain rule refused every value (e.g. UNKNOWN_STATUS), otherwise VALIDATION_FAILED.
 */
export function validationError(problems: Problem[]): ApiError {
  const codes = new Set(problems.map((problem) => problem.code));
  const [only] = codes;
  const code: ApiErrorCode =
    codes.size === 1 && only !== undefined && isDomainCode(only) ? only : 'VALIDATION_FAILED';
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
  const unlisted = problems.length - listed.length;
  const summary = listed.map((problem) => `${problem.path}: ${problem.message}`).join('; ');
  const more = unlisted === 0 ? '' : `; and ${unlisted} more problem${unlisted === 1 ? '' : 's'}`;
  return new ApiError(code, `The request is invalid: ${summary}${more}`, {
    problems: listed,
    ...(unlisted === 0 ? {} : { unlistedProblems: unlisted }),
  });
}

/** Parses every part that has a schema; throws one error listing the problems of all of them. */
export function parseParts<T extends Partial<Record<Location, z.ZodType>>>(
  schemas: T,
  input: Record<Location, unknown>,
): { [K in keyof T]: T[K] extends z.ZodType ? z.output<T[K]> : never } {
  const problems: Problem[] = [];
  const output: Partial<Record<Location, unknown>> = {};
  for (const location of ['params', 'headers', 'query', 'body'] as const) {
    const schema = schemas[location];
    if (schema === undefined) continue;
    const unstorable = unstorableTextProblems(location, input[location]);
    const parsed = schema.safeParse(input[location]);
    problems.push(...unstorable);
    if (parsed.success) output[location] = parsed.data;
    else problems.push(...problemsOf(location, parsed.error));
  }
  if (problems.length > 0) throw validationError(problems);
  return output as { [K in keyof T]: T[K] extends z.ZodType ? z.output<T[K]> : never };
}
