import { z } from 'zod';
import { eventTime, isoDateTime, queryInt } from './common.schemas.js';

/** A time window in a query string: `from` inclusive, `to` exclusive; the last 24 hours by default. */
export const windowQuery = {
  from: eventTime
    .optional()
    .meta({ description: 'Start of the window (inclusive); 24 hours before `to` by default' }),
  to: eventTime.optional().meta({ description: 'End of the window (exclusive); now by default' }),
};

export const failuresQuery = z.strictObject({
  ...windowQuery,
  limit: queryInt(1, 200, 50).meta({ description: 'The most groups listed, biggest first; 50 when absent' }),
  samples: queryInt(0, 20, 5).meta({ description: 'File ids listed per group, latest first; 5 when absent' }),
});

export const timingsQuery = z.strictObject(windowQuery);

const windowJson = z.strictObject({ from: isoDateTime, to: isoDateTime });

export const failureTriageJson = z
  .strictObject({
    window: windowJson,
    failedSteps: z.number().int().meta({ description: 'Failed steps in the window that were grouped' }),
    truncated: z.boolean().meta({
      description:
        'True when the window holds more failed steps than one read takes: the groups describe the latest',
    }),
    totalGroups: z.number().int(),
    groups: z.array(
      z.strictObject({
        step: z.string(),
        error: z
          .string()
          .meta({ description: 'The normalized message: numbers, ids, paths … as placeholders' }),
        example: z.string().nullable().meta({ description: 'The latest original message of the group' }),
        count: z.number().int(),
        firstSeen: isoDateTime,
        lastSeen: isoDateTime,
        sampleFileIds: z.array(z.number().int()),
      }),
    ),
  })
  .meta({ id: 'FailureTriage' });

const distributionJson = z.strictObject({
  samples: z.number().int(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
});

const timingFields = {
  finished: z
    .number()
    .int()
    .meta({ description: 'Attempts that finished (success or failure) in the window' }),
  succeeded: z.number().int(),
  failed: z.number().int(),
  throughputPerMinute: z.number(),
  duration: distributionJson.meta({ description: "From an attempt's start (in_progress) to its finish" }),
  queueWait: distributionJson.meta({ description: 'From the moment the step could run to its start' }),
};

export const stepTimingsJson = z
  .strictObject({
    window: windowJson,
    sampled: z.boolean().meta({ description: 'True when the window held more events than one read takes' }),
    steps: z.array(z.strictObject({ step: z.string(), ...timingFields })),
    total: z.strictObject(timingFields),
  })
  .meta({ id: 'StepTimings' });
