import { z } from 'zod';
import { MAX_ID } from '../schemas/common.schemas.js';
import { defineRoute, type Route } from '../routing/route.js';
import type { RouteDeps } from './route-deps.js';

const lastEventIdHeaders = z.looseObject({
  'last-event-id': z
    .string()
    .regex(/^\d{1,10}$/, `must be the id of an event this stream sent (0 to ${MAX_ID})`)
    .transform(Number)
    .refine((id) => id <= MAX_ID, `must be the id of an event this stream sent (0 to ${MAX_ID})`)
    .optional()
    .meta({ description: 'Resume after this event (browsers send it when they reconnect)' }),
});

const STREAM_DESCRIPTION = [
  'text/event-stream of every change, across processes, in log id order. Events:',
  '`ready` {cursor} once the stream is live;',
  '`step` a step status change (a history row with step and status; id = log id);',
  '`note` a history row that changed no step (registration, duplicate mark, deletion, ...);',
  '`file` {fileId, status, hasErrors, counts, lastStep, ...} or {fileId, deleted: true} after the rows of a file;',
  'comment lines are heartbeats. Reconnect with Last-Event-ID to continue where the stream stopped.',
].join(' ');

/** GET /api/events: Server-Sent Events over the log table, resumable by log id. */
export function eventRoutes({ live }: RouteDeps): Route[] {
  return [
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
