import {
  FILE_SORT_KEYS,
  OVERALL_STATUSES,
  SORT_DIRECTIONS,
  parseOverallStatus,
  parseStepName,
  type FileFilter,
  type OverallStatus,
} from '@steptrail/domain';
import { z } from 'zod';
import { domainValue, eventTime, MAX_ID, queryInt, SHORT_TEXT } from './common.schemas.js';

const text = (description: string) => z.string().min(1).max(SHORT_TEXT).meta({ description });

const hashPrefix = z
  .string()
  .regex(/^[0-9a-fA-F]{1,64}$/, 'must be 1 to 64 hexadecimal characters')
  .transform((prefix) => prefix.toLowerCase())
  .meta({ description: 'Start of the SHA-256 content hash (hexadecimal, any case)' });

const time = (description: string) => eventTime.meta({ description });

/** The filter fields both the search's query string and the bulk operations' body take, with the same names. */
const sharedFields = {
  q: text('Case-insensitive part of the original filename').optional(),
  error: text(
    'Files with a failed step whose error message contains this text (case-insensitive)',
  ).optional(),
  step: domainValue(parseStepName).meta({ description: 'Files whose step of this name failed' }).optional(),
  mimeType: text('Exact MIME type, e.g. application/pdf').optional(),
  hash: hashPrefix.optional(),
  createdFrom: time('Created at or after this time').optional(),
  createdBefore: time('Created before this time').optional(),
  updatedFrom: time('Last changed at or after this time').optional(),
  updatedBefore: time('Last changed before this time').optional(),
};

const statusList = z
  .string()
  .transform((value, ctx): OverallStatus[] => {
    const statuses: OverallStatus[] = [];
    for (const part of value.split(',')) {
      const parsed = parseOverallStatus(part.trim());
      if (parsed.ok) statuses.push(parsed.value);
      else
        ctx.addIssue({ code: 'custom', message: parsed.error.message, params: { code: parsed.error.code } });
    }
    return statuses;
  })
  .meta({ description: `One status or several, comma-separated: ${OVERALL_STATUSES.join(', ')}` });

export const listFilesQuery = z.strictObject({
  status: statusList.optional(),
  ...sharedFields,
  sort: z
    .enum(FILE_SORT_KEYS)
    .optional()
    .meta({ description: 'Order by id (default), created or updated time' }),
  order: z.enum(SORT_DIRECTIONS).optional().meta({ description: 'desc (default) or asc' }),
  limit: queryInt(1, 500, 50),
  cursor: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'The nextCursor of the previous page, with the same sort and order' }),
});

/** At most this many explicit ids in one bulk operation's filter. */
export const MAX_FILTER_IDS = 1000;

export const fileFilterBody = z
  .strictObject({
    status: z.array(z.enum(OVERALL_STATUSES)).min(1).max(OVERALL_STATUSES.length).optional(),
    ...sharedFields,
    ids: z
      .array(z.number().int().min(1).max(MAX_ID))
      .min(1)
      .max(MAX_FILTER_IDS)
      .optional()
      .meta({ description: `Only these file ids (at most ${MAX_FILTER_IDS})` }),
  })
  .meta({ id: 'FileFilter', description: 'Every field narrows the set; an empty filter matches every file' });

type SharedInput = {
  q?: string | undefined;
  error?: string | undefined;
  step?: string | undefined;
  mimeType?: string | undefined;
  hash?: string | undefined;
  createdFrom?: Date | undefined;
  createdBefore?: Date | undefined;
  updatedFrom?: Date | undefined;
  updatedBefore?: Date | undefined;
};

/** The domain's filter from parsed query or body fields; absent fields stay absent. */
export function toFileFilter(
  input: SharedInput & { status?: readonly OverallStatus[] | undefined; ids?: readonly number[] | undefined },
): FileFilter {
  const entries: Array<[keyof FileFilter, unknown]> = [
    ['statuses', input.status],
    ['search', input.q],
    ['errorText', input.error],
    ['failedStep', input.step],
    ['mimeType', input.mimeType],
    ['hashPrefix', input.hash],
    ['createdFrom', input.createdFrom],
    ['createdBefore', input.createdBefore],
    ['updatedFrom', input.updatedFrom],
    ['updatedBefore', input.updatedBefore],
    ['ids', input.ids],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}
