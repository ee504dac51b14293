import { z } from 'zod';
import { MAX_EVENTS_PER_BATCH } from '@steptrail/domain';
import { MAX_ID } from '@steptrail/api-schema/common.schemas.js';
import { batchAnswerJson, batchBodyDocumented } from '@steptrail/api-schema/event-batch.schemas.js';
import { defineRoute, type Route } from '../routing/route.js';
import { recordBatch } from './event-batch.js';
import type { RouteDeps } from './route-deps.js';

const lastEventIdHeaders = z.looseObject({
  'last-event-id': z
    .string()
    .regex(/^\d{1,10}$/, `must be the id of an event this stream sent (0 to ${MAX_ID})`)
    .transform(Number)
    .refine((id) => id <= MAX_ID, `must be the id of an event this stream sent (0 to ${MAX_ID})`)
    .optional()
    .meta({
      description:
        'Resume after this event (browsers send it when they reconnect); beyond the newest event, `ready` says `reset: true`',
    }),
});

const STREAM_DESCRIPTION = [
  'text/event-stream of every change, across processes, in log id order. Events:',
  '`ready` {cursor} once the stream is live; when Last-Event-ID is beyond the newest event (the database was',
  'replaced or restored) the stream cannot resume there: it starts from now and `ready` is',
  '{cursor, reset: true, message}, so reload the current state;',
  '`step` a step status change (a history row with step and status; id = log id);',
  '`note` a history row that changed no step (registration, duplicate mark, deletion, ...);',
  '`file` {fileId, status, hasErrors, counts, lastStep, ...} or {fileId, deleted: true} after the rows of a file',
  '(also after the note the database writes when another program deletes a file row: task_id',
  '`steptrail:file-removed`, no fileId, the file id as detail);',
  'comment lines are heartbeats. Reconnect with Last-Event-ID to continue where the stream stopped.',
].join(' ');

const BATCH_DESCRIPTION = [
  `Up to ${MAX_EVENTS_PER_BATCH} events for any files, each naming its fileId.`,
  "Each file's events are applied in request order in one transaction; every event gets a result, in request",
  'order: applied, duplicate (its eventId was recorded before: the first answer, nothing written) or refused with a',
  'reason (validation, ordering, unknown_file, conflict, not_in_workflow) and the error a single event would get.',
  'A refused event writes nothing and keeps no other event from applying.',
].join(' ');

/**
 * GET /api/events: Server-Sent Events over the log table, resumable by log id. POST /api/events: batched
 * ingestion.
 */
export function eventRoutes(deps: RouteDeps): Route[] {
  const { live } = deps;
  return [
    defineRoute(
      {
        method: 'post',
        path: '/api/events',
        operationId: 'recordEvents',
        summary: 'Record a batch of step status changes for many files, with a result per event',
        description: BATCH_DESCRIPTION,
        tag: 'events',
        scope: 'write',
        schemas: {},
        accepts: ['json'],
        documentedBodies: { 'application/json': batchBodyDocumented },
        responses: {
          200: { description: 'One result per event, in request order', schema: batchAnswerJson },
        },
        errors: [413, 415],
      },
      async (_input, req) => ({ status: 200, body: await recordBatch(deps, req.body) }),
    ),
    defineRoute(
      {
        method: 'get',
        path: '/api/events',
        operationId: 'streamEvents',
        summary: 'Live step and file status changes (Server-Sent Events)',
        description: STREAM_DESCRIPTION,
        tag: 'events',
        scope: 'read',
        schemas: { headers: lastEventIdHeaders },
        responses: {
          200: { description: STREAM_DESCRIPTION, schema: null, contentType: 'text/event-stream' },
        },
        errors: [],
      },
      async ({ headers }, req, res) => {
        await live.stream(req, res, headers['last-event-id'] ?? null);
        return { handled: true };
      },
    ),
  ];
}
