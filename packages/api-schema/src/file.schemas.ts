import { OVERALL_STATUSES, type OverallStatus } from '@steptrail/domain';
import { z } from 'zod';
import { isoDateTime, MAX_ID, SHORT_TEXT } from './common.schemas.js';

export const overallStatusJson = z
  .strictObject({
    status: z.enum(OVERALL_STATUSES),
    hasErrors: z.boolean(),
    totalSteps: z.number().int(),
    completedSteps: z.number().int(),
    failedSteps: z.number().int(),
    inProgressSteps: z.number().int(),
    skippedSteps: z.number().int(),
  })
  .meta({ id: 'OverallStatus' });

export const fileJson = z
  .strictObject({
    id: z.number().int(),
    filehash: z.string(),
    originalFilename: z.string().nullable(),
    localFilename: z.string(),
    fileSize: z.number().int(),
    mimeType: z.string().nullable(),
    isDuplicate: z.boolean(),
    duplicateOfId: z.number().int().nullable(),
    workflow: z.strictObject({ name: z.string(), steps: z.array(z.string()) }),
    managed: z.boolean().meta({
      description:
        "False for files registered by an external pipeline: steptrail's worker never runs their steps",
    }),
    lastStep: z.string().nullable(),
    statusChangedAt: isoDateTime.nullable(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: 'File' });

const buckets = z.strictObject({
  queued: z.number().int(),
  in_progress: z.number().int(),
  success: z.number().int(),
  failure: z.number().int(),
  skipped: z.number().int(),
  stopped: z.number().int().meta({
    description:
      'Pending steps of a managed file that a failure stopped (not in queued); 0 for external pipelines',
  }),
});

export const stepSummaryJson = z
  .strictObject({
    main: buckets,
    uploads: buckets,
    totalMainSteps: z.number().int(),
    totalUploadTasks: z.number().int(),
  })
  .meta({ id: 'StepSummary' });

export const statusCountsJson = z.strictObject(
  Object.fromEntries(OVERALL_STATUSES.map((status) => [status, z.number().int()])) as Record<
    OverallStatus,
    z.ZodNumber
  >,
);

export const fileCountsJson = z
  .strictObject({
    counts: statusCountsJson,
    total: z.number().int().meta({ description: 'Every file, whatever its status' }),
  })
  .meta({ id: 'FileCounts' });

export const fileWithStatusJson = z.strictObject({ file: fileJson, status: overallStatusJson });

export const createdFileJson = fileWithStatusJson
  .extend({
    duplicateOf: z
      .number()
      .int()
      .nullable()
      .meta({
        description:
          'The id of an older file with the same content (SHA-256) that is no duplicate itself: this file duplicates ' +
          "it (steptrail's worker marks an upload so when it checks the content); null when the content is new",
      }),
  })
  .meta({ id: 'CreatedFile' });
export const fileDetailJson = z.strictObject({
  file: fileJson,
  status: overallStatusJson,
  summary: stepSummaryJson,
});

export const fileListJson = z.strictObject({
  items: z.array(
    z.strictObject({
      id: z.number().int(),
      originalFilename: z.string().nullable(),
      status: z.enum(OVERALL_STATUSES),
      hasErrors: z.boolean(),
      lastStep: z.string().nullable(),
      createdAt: isoDateTime,
      updatedAt: isoDateTime,
    }),
  ),
  nextCursor: z
    .string()
    .nullable()
    .meta({ description: 'Pass as `cursor` for the next page; null on the last page' }),
  counts: statusCountsJson,
});

export const registerFileBody = z.strictObject({
  originalFilename: z.string().min(1).max(SHORT_TEXT),
  filehash: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be a SHA-256 digest: 64 hexadecimal characters')
    .transform((hash) => hash.toLowerCase()),
  fileSize: z.number().int().min(0).max(2_147_483_647),
  mimeType: z.string().min(1).max(SHORT_TEXT).nullable().optional(),
  localFilename: z
    .string()
    .min(1)
    .max(SHORT_TEXT)
    .optional()
    .meta({ description: 'Where the external pipeline keeps the file' }),
  workflow: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .meta({ description: 'Workflow profile name; the default profile when absent' }),
});

export const uploadForm = z.strictObject({
  file: z.string().meta({ format: 'binary', description: 'The document; stored under its SHA-256' }),
  workflow: z.string().min(1).max(64).optional(),
});

export const patchFileBody = z.strictObject({
  isDuplicate: z.boolean(),
  duplicateOfId: z
    .number()
    .int()
    .min(1)
    .max(MAX_ID)
    .nullable()
    .optional()
    .meta({ description: 'The original this file duplicates' }),
});
