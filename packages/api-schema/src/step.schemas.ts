import {
  STEP_STATUSES,
  parseDestination,
  parseEventId,
  parseStepName,
  parseStepStatus,
} from '@steptrail/domain';
import { z } from 'zod';
import { domainValue, eventTime, isoDateTime, LONG_TEXT, queryInt, SHORT_TEXT } from './common.schemas.js';
import { overallStatusJson } from './file.schemas.js';

const stepName = domainValue(parseStepName).meta({
  description: 'Lower-case step name, e.g. extract_text; 1-128 of a-z 0-9 _ - .',
});
const stepNames = z.array(stepName).min(1).max(200);

/** What a step row holds; the answer to an event carries these. */
const stepFieldsJson = z.strictObject({
  status: z
    .string()
    .meta({ description: `One of ${STEP_STATUSES.join(', ')}; legacy rows may hold other values` }),
  startedAt: isoDateTime.nullable(),
  completedAt: isoDateTime.nullable(),
  errorMessage: z.string().nullable(),
  attempts: z.number().int(),
});

export const stepStateJson = stepFieldsJson
  .extend({
    stoppedBy: z
      .string()
      .nullable()
      .meta({
        description:
          'For a managed file: the failed step that stopped this pending step, so it will not run unless that step is ' +
          'retried; always null for files of external pipelines',
      }),
  })
  .meta({ id: 'StepState' });

export const stepsJson = z.strictObject({ steps: z.record(z.string(), stepStateJson) });

export const initStepsBody = z.strictObject({
  steps: stepNames
    .optional()
    .meta({ description: "Step names to create; the file's workflow steps when absent" }),
});

export const addUploadsBody = z.strictObject({
  destinations: z.array(domainValue(parseDestination)).min(1).max(50),
});

export const retryBody = z.strictObject({
  steps: stepNames
    .optional()
    .meta({ description: 'Failed steps to re-queue; every failed step when absent' }),
});

const optionalText = (max: number) => z.string().max(max).nullable().optional();

/** A client-chosen event id (docs/architecture.md#idempotent-events). */
export const eventId = domainValue(parseEventId).meta({
  description:
    'Your id for this event, unique per file (1-128 visible ASCII characters, e.g. a UUID). Sending it again ' +
    'returns the first answer and writes nothing; the same id with a different event is a 409.',
});

export const eventFields = {
  eventId: eventId.nullable().optional(),
  stepName,
  status: domainValue(parseStepStatus, STEP_STATUSES),
  message: optionalText(LONG_TEXT),
  detail: optionalText(LONG_TEXT),
  errorMessage: optionalText(LONG_TEXT).meta({
    description: "A failure's error; stored as the log's message when message is absent",
  }),
  occurredAt: eventTime.optional().meta({
    description: 'When it happened (ISO 8601 with offset, 1970 to 9999); now when absent',
  }),
  taskId: optionalText(SHORT_TEXT),
};

export const eventBody = z.strictObject(eventFields);

export const idempotencyHeaders = z.looseObject({
  'idempotency-key': eventId.optional().meta({
    description: 'The event id, as a header; when the body names eventId too, both must be equal',
  }),
});

export const createdStepsJson = z.strictObject({
  created: z.array(z.string()).meta({ description: 'Rows that did not exist before' }),
});
export const retriedJson = z.strictObject({ retried: z.array(z.string()) });

export const countingJson = z
  .strictObject({
    counts: z.boolean().meta({ description: "Whether the step decides the file's overall status" }),
    reason: z.string().nullable().meta({
      description: 'Why it does not (a step outside the workflow, a duplicate file); null when it does',
    }),
  })
  .meta({ id: 'StepCounting' });

export const eventRecordedJson = z
  .strictObject({
    step: stepFieldsJson.extend({ name: z.string() }),
    status: overallStatusJson,
    logId: z.number().int().meta({ description: 'The history row; also the id of its Server-Sent Event' }),
    counting: countingJson,
  })
  .meta({ id: 'EventRecorded' });

export const logEntryJson = z
  .strictObject({
    id: z.number().int(),
    fileId: z.number().int().nullable(),
    taskId: z.string().nullable(),
    stepName: z.string().nullable(),
    status: z.string().nullable(),
    message: z.string().nullable(),
    detail: z.string().nullable(),
    occurredAt: isoDateTime,
  })
  .meta({ id: 'LogEntry' });

export const logsQuery = z.strictObject({
  limit: queryInt(1, 500, 100),
  cursor: z.string().min(1).max(200).optional().meta({ description: 'nextCursor of the previous page' }),
});

export const logPageJson = z.strictObject({
  items: z.array(logEntryJson),
  nextCursor: z.string().nullable(),
});
