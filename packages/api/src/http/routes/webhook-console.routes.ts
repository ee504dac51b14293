import {
  deliveryAttemptsJson,
  deliveryParams,
  updateWebhookBody,
  webhookIdParams,
  webhookJson,
} from '@steptrail/api-schema/webhook.schemas.js';
import type { DeliveryAttempt } from '@steptrail/domain';
import { ApiError } from '../errors/api-error.js';
import { defineRoute, type Route } from '../routing/route.js';
import type { RouteDeps } from './route-deps.js';
import { missing, notFound, subscriptionJson } from './webhooks.routes.js';

const attemptJson = ({ webhookId: _webhookId, attemptedAt, ...attempt }: DeliveryAttempt) => ({
  ...attempt,
  attemptedAt: attemptedAt.toISOString(),
});

/** Pausing and resuming a subscription, and the per-attempt delivery log (docs/architecture.md#webhooks). */
export function webhookConsoleRoutes({ store, clock }: RouteDeps): Route[] {
  const base = { tag: 'webhooks' } as const;
  return [
    defineRoute(
      {
        ...base,
        method: 'patch',
        path: '/api/webhooks/:id',
        operationId: 'updateWebhook',
        summary: 'Pause or resume a subscription',
        description:
          'While paused, deliveries for its events are still written (nothing is lost) but none is attempted; ' +
          'resumed, the waiting ones are sent oldest first. Pausing a paused subscription keeps its pausedAt.',
        scope: 'write',
        schemas: { params: webhookIdParams, body: updateWebhookBody },
        responses: { 200: { description: 'The subscription', schema: webhookJson }, 404: notFound },
        errors: [404, 413, 415],
      },
      async ({ params, body }) => {
        const updated = await store.unitOfWork.transaction(async (repos) => {
          const found = await repos.webhooks.findSubscription(params.id);
          if (found === null) return null;
          if (body.paused === (found.pausedAt !== null)) return found;
          return repos.webhooks.setPaused(params.id, body.paused ? clock.now() : null);
        });
        if (updated === null) throw missing(params.id);
        return { status: 200, body: subscriptionJson(updated) };
      },
    ),
    defineRoute(
      {
        ...base,
        method: 'get',
        path: '/api/webhooks/:id/deliveries/:deliveryId/attempts',
        operationId: 'listDeliveryAttempts',
        summary: 'Every attempt of one delivery, oldest first: outcome, status code, latency, error',
        scope: 'read',
        schemas: { params: deliveryParams },
        responses: {
          200: { description: 'The attempts', schema: deliveryAttemptsJson },
          404: { description: 'No such webhook or delivery (WEBHOOK_NOT_FOUND)', schema: notFound.schema },
        },
        errors: [404],
      },
      async ({ params }) => {
        const attempts = await store.reads.webhooks.listAttempts(params.id, params.deliveryId);
        if (attempts.length === 0) await mustExist(store, params.id, params.deliveryId);
        return { status: 200, body: { attempts: attempts.map(attemptJson) } };
      },
    ),
  ];
}

/** A delivery not attempted yet has no attempts; one that is not there is a 404. */
async function mustExist(store: RouteDeps['store'], webhookId: number, deliveryId: number): Promise<void> {
  if ((await store.reads.webhooks.findDelivery(webhookId, deliveryId)) !== null) return;
  if ((await store.reads.webhooks.findSubscription(webhookId)) === null) throw missing(webhookId);
  throw new ApiError('WEBHOOK_NOT_FOUND', `Webhook ${webhookId} has no delivery ${deliveryId}.`);
}
