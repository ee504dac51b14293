import { z } from 'zod';
import { errorResponse } from '@steptrail/api-schema/common.schemas.js';
import { ApiError } from '../errors/api-error.js';
import { defineRoute, type Route } from '../routing/route.js';
import type { RouteDeps } from './route-deps.js';

const health = z.strictObject({ status: z.literal('ok') });
const readiness = z.strictObject({ status: z.literal('ready'), database: z.string() });

/** Liveness, readiness and Prometheus metrics. */
export function opsRoutes({ store, metrics }: RouteDeps): Route[] {
  return [
    defineRoute(
      {
        method: 'get',
        path: '/healthz',
        operationId: 'health',
        summary: 'Liveness: the process answers',
        tag: 'operations',
        scope: null,
        schemas: {},
        responses: { 200: { description: 'Alive', schema: health } },
        errors: [],
      },
      async () => ({ status: 200, body: { status: 'ok' as const } }),
    ),
    defineRoute(
      {
        method: 'get',
        path: '/readyz',
        operationId: 'ready',
        summary: 'Readiness: the database answers a ping',
        tag: 'operations',
        scope: null,
        schemas: {},
        responses: {
          200: { description: 'Ready', schema: readiness },
          503: { description: 'The database does not answer (NOT_READY)', schema: errorResponse },
        },
        errors: [503],
      },
      async (_input, _req, res) => {
        try {
          await store.ping();
        } catch (error) {
          res.locals.log.warn({ err: error }, 'readiness: database ping failed');
          throw new ApiError('NOT_READY', 'The database does not answer.', undefined, { 'Retry-After': '1' });
        }
        return { status: 200, body: { status: 'ready' as const, database: store.capabilities.dialect } };
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/metrics',
        operationId: 'metrics',
        summary: 'Prometheus metrics: request latency, step transitions, files by status',
        tag: 'operations',
        scope: 'read',
        schemas: {},
        responses: {
          200: { description: 'Prometheus text exposition format', schema: null, contentType: 'text/plain' },
        },
        errors: [],
      },
      async (_input, _req, res) => {
        const { contentType, body } = await metrics.render();
        res.status(200).type(contentType).send(body);
        return { handled: true };
      },
    ),
  ];
}
