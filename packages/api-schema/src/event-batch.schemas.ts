import { MAX_EVENTS_PER_BATCH } from '@steptrail/domain';
import { z } from 'zod';
import { MAX_ID } from './common.schemas.js';
import { eventFields, eventRecordedJson } from './step.schemas.js';

const fileId = z.number().int().min(1).max(MAX_ID).meta({ description: 'The file the event is about' });

/** One event of a batch: a single event's body plus the file it is about. */
export const batchEventJson = z.strictObject({ fileId, ...eventFields }).meta({ id: 'BatchEvent' });

const tooMany = `A batch holds at most ${MAX_EVENTS_PER_BATCH} events; split larger ones into several requests.`;

/** What the route validates as a whole; each event is validated on its own, so one bad event refuses only itself. */
export const batchEnvelope = z.strictObject({
  events: z.array(z.unknown()).min(1, 'Send at least one event.').max(MAX_EVENTS_PER_BATCH, tooMany),
});

/** The same body as the OpenAPI document shows it. */
export const batchBodyDocumented = z.strictObject({
  events: z
    .array(batchEventJson)
    .min(1)
    .max(MAX_EVENTS_PER_BATCH)
    .meta({
      description: `1 to ${MAX_EVENTS_PER_BATCH} events for any files; each file's events apply in this order`,
    }),
});

/** Reads the file and event id out of an event that failed validation, for its result; anything else is null. */
export const eventIdentity = z.looseObject({
  fileId: fileId.nullable().catch(null),
  eventId: z.string().max(200).nullable().catch(null),
});

const errorJson = z.strictObject({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

const common = {
  index: z.number().int().meta({ description: 'Position of the event in the request, from 0' }),
  fileId: z.number().int().nullable().meta({ description: 'Null when the event named no valid file id' }),
  eventId: z.string().nullable(),
};

export const batchResultJson = z
  .discriminatedUnion('result', [
    z.strictObject({
      ...common,
      result: z.enum(['applied', 'duplicate']).meta({
        description: 'applied: written now; duplicate: the event id was recorded before, nothing written',
      }),
      event: eventRecordedJson.meta({ description: 'The answer, for a duplicate the first one' }),
    }),
    z.strictObject({
      ...common,
      result: z.literal('refused'),
      reason: z.enum(['validation', 'ordering', 'unknown_file', 'conflict', 'not_in_workflow']),
      error: errorJson,
    }),
  ])
  .meta({ id: 'BatchEventResult' });

export const batchAnswerJson = z.strictObject({
  results: z.array(batchResultJson).meta({ description: 'One per event, in request order' }),
  applied: z.number().int(),
  duplicates: z.number().int(),
  refused: z.number().int(),
});
