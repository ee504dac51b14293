import { isStorableId, parseStepName, type StepRef } from '@steptrail/domain';
import { errorResponse } from '@steptrail/api-schema/common.schemas.js';
import {
  heartbeatBody,
  heartbeatJson,
  stepParams,
  stuckPageJson,
  stuckQuery,
} from '@steptrail/api-schema/stall.schemas.js';
import { defineRoute, type Route } from '../routing/route.js';
import { validationError } from '../routing/validation.js';
import { unwrap, type RouteDeps } from './route-deps.js';

const encodeCursor = (ref: StepRef): string =>
  Buffer.from(`${ref.fileId}|${ref.stepName}`, 'utf8').toString('base64url');

function decodeCursor(cursor: string): StepRef {
  const [id, stepName, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const fileId = Number(id);
  if (
    extra === undefined &&
    stepName !== undefined &&
    /^[1-9]\d{0,9}$/.test(id ?? '') &&
    isStorableId(fileId) &&
    parseStepName(stepName).ok
  )
    return { fileId, stepName };
  throw validationError([
    { path: 'query.cursor', code: 'invalid_cursor', message: 'Not a cursor this API gave.' },
  ]);
}

/** Heartbeats and the stuck-work listing (docs/architecture.md#stalls). */
export function stallRoutes({ stalls }: RouteDeps): Route[] {
  return [
    defineRoute(
      {
        method: 'post',
        path: '/api/files/:id/steps/:step/heartbeat',
        operationId: 'heartbeatStep',
        summary: 'Keep an in-progress step from stalling: no history row, no new attempt',
        description:
          'Resets the stall window of a step in progress. A step with no event or heartbeat for its window ' +
          '(STALL_WINDOW_MS, 10 minutes by default) fails with a history row saying it stalled.',
        tag: 'steps',
        scope: 'write',
        schemas: { params: stepParams, body: heartbeatBody },
        bodyOptional: true,
        responses: {
          200: { description: 'The heartbeat was recorded', schema: heartbeatJson },
          404: { description: 'No such file or step', schema: errorResponse },
          409: { description: 'The step is not in progress (CONFLICT)', schema: errorResponse },
        },
        errors: [404, 409, 413, 415],
      },
      async ({ params, body }) => {
        const ref = { fileId: params.id, stepName: params.step };
        const { at } = unwrap(await stalls.heartbeat(ref, body.taskId ?? null));
        return { status: 200, body: { ...ref, heartbeatAt: at.toISOString() } };
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/api/stuck',
        operationId: 'listStuckSteps',
        summary:
          'Stalled and ageing steps (silent in progress, or runnable and unclaimed), with reason and age',
        tag: 'operations',
        scope: 'read',
        schemas: { query: stuckQuery },
        responses: { 200: { description: 'A page of stuck steps', schema: stuckPageJson } },
        errors: [],
      },
      async ({ query }) => {
        const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
        const page = await stalls.listStuck(after, query.limit);
        return {
          status: 200,
          body: {
            items: page.items.map((step) => ({
              fileId: step.fileId,
              stepName: step.stepName,
              state: step.state,
              reason: step.reason,
              since: step.since.toISOString(),
              ageSeconds: Math.floor(step.ageMs / 1000),
              limitSeconds: Math.floor(step.limitMs / 1000),
              lastTouchedBy: step.lastTouchedBy,
              attempts: step.attempts,
            })),
            nextCursor: page.next === null ? null : encodeCursor(page.next),
          },
        };
      },
    ),
  ];
}
