import { BULK_OUTCOMES, MAX_BULK_FILES } from '@steptrail/domain';
import { z } from 'zod';
import { idString, isoDateTime, queryInt } from './common.schemas.js';
import { fileFilterBody } from './file-filter.schemas.js';

export const bulkBody = z.strictObject({
  filter: fileFilterBody.refine((filter) => Object.keys(filter).length > 0, {
    message: 'must name at least one condition; an empty filter would take every file',
  }),
  dryRun: z
    .boolean()
    .optional()
    .meta({ description: 'Answer the matching count and a sample, and change nothing' }),
});

export const bulkIdParams = z.strictObject({ id: idString().meta({ description: 'Bulk operation id' }) });

export const bulkResultsQuery = z.strictObject({
  limit: queryInt(1, 1000, 100).meta({ description: 'Per-file results per page; 100 when absent' }),
  cursor: idString('must be a nextCursor value from an earlier page').optional(),
});

export const bulkPreviewJson = z
  .strictObject({
    dryRun: z.literal(true),
    kind: z.enum(['retry', 'delete']),
    matched: z
      .number()
      .int()
      .meta({ description: `Files the operation would handle now (counted up to ${MAX_BULK_FILES + 1})` }),
    tooMany: z
      .boolean()
      .meta({ description: `True when more than ${MAX_BULK_FILES} match: starting it would be refused` }),
    sampleFileIds: z.array(z.number().int()).meta({ description: 'The newest matching files' }),
  })
  .meta({ id: 'BulkPreview' });

export const bulkOperationJson = z
  .strictObject({
    id: z.number().int(),
    kind: z.enum(['retry', 'delete']),
    state: z.enum(['running', 'completed']),
    filter: fileFilterBody.meta({
      description: 'The filter as given; the file list was fixed when it started',
    }),
    createdBy: z.string().nullable().meta({ description: 'Name of the API token that started it' }),
    total: z.number().int(),
    done: z.number().int().meta({ description: 'Files retried or deleted' }),
    skipped: z
      .number()
      .int()
      .meta({ description: 'Files left alone (fixed or deleted meanwhile), with the reason' }),
    pending: z.number().int(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
    finishedAt: isoDateTime.nullable(),
  })
  .meta({ id: 'BulkOperation' });

export const bulkStartedJson = z.strictObject({ operation: bulkOperationJson });

export const bulkStatusJson = z
  .strictObject({
    operation: bulkOperationJson,
    results: z.array(
      z.strictObject({
        fileId: z.number().int(),
        outcome: z.enum(BULK_OUTCOMES),
        detail: z.string().nullable().meta({ description: 'Steps re-queued, or why the file was skipped' }),
        processedAt: isoDateTime.nullable(),
      }),
    ),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next results; null at the end' }),
  })
  .meta({ id: 'BulkOperationStatus' });
