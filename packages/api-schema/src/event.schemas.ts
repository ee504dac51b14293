import { OVERALL_STATUSES } from '@steptrail/domain';
import { z } from 'zod';
import { isoDateTime } from './common.schemas.js';
import { overallStatusJson } from './file.schemas.js';

// The data of the live stream's messages (GET /api/events). The stream is documented as text, not as JSON schemas,
// but the server writes these shapes and the dashboard reads them through the same types (docs/architecture.md#dashboard).

/** `ready`: the stream is live from `cursor`; `reset` when a Last-Event-ID could not be resumed. */
export const readyMessageJson = z.strictObject({
  cursor: z.number().int(),
  reset: z.literal(true).optional(),
  message: z.string().optional(),
});

/** `file`: a file's rollup after its rows of one batch, or that it was deleted. */
export const fileChangeJson = z.discriminatedUnion('deleted', [
  z.strictObject({ fileId: z.number().int(), deleted: z.literal(true) }),
  overallStatusJson.extend({
    fileId: z.number().int(),
    deleted: z.literal(false),
    originalFilename: z.string().nullable(),
    status: z.enum(OVERALL_STATUSES),
    lastStep: z.string().nullable(),
    statusChangedAt: isoDateTime.nullable(),
    updatedAt: isoDateTime,
  }),
]);
