import { errorResponse } from '@steptrail/api-schema/common.schemas.js';
import {
  createWebhookBody,
  createdWebhookJson,
  deliveryListJson,
  deliveryListQuery,
  testDeliveryJson,
  webhookIdParams,
  webhookListJson,
} from '@steptrail/api-schema/webhook.schemas.js';
import {
  WEBHOOK_TEST_EVENT,
  newWebhookMessageId,
  testPayload,
  type WebhookDelivery,
  type WebhookSubscription,
} from '@steptrail/domain';
import { ApiError } from '../errors/api-error.js';
import { defineRoute, type Route } from '../routing/route.js';
import { newWebhookSecret } from '../../webhooks/webhook-signature.js';
import type { RouteDeps } from './route-deps.js';

export const notFound = { description: 'No webhook with this id (WEBHOOK_NOT_FOUND)', schema: errorResponse };
export const missing = (id: number) => new ApiError('WEBHOOK_NOT_FOUND', `No webhook with id ${id}.`);

export const subscriptionJson = ({ id, url, events, createdAt, pausedAt }: WebhookSubscription) => ({
  id,
  url,
  events,
  createdAt: createdAt.toISOString(),
  pausedAt: pausedAt?.toISOString() ?? null,
});

const deliveryToJson = (delivery: WebhookDelivery) => ({
  ...delivery,
  nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
  createdAt: delivery.createdAt.toISOString(),
  updatedAt: delivery.updatedAt.toISOString(),
});

/** Webhook subscriptions, their delivery log and test deliveries (docs/architecture.md#webhooks). */
export function webhookRoutes({ store, clock }: RouteDeps): Route[] {
  const base = { tag: 'webhooks' } as const;
  return [
    defineRoute(
      {
        ...base,
        method: 'post',
        path: '/api/webhooks',
        operationId: 'createWebhook',
        summary: 'Subscribe a URL to events; the signing secret is shown in this answer only',
        scope: 'write',
        schemas: { body: createWebhookBody },
        responses: { 201: { description: 'The subscription with its secret', schema: createdWebhookJson } },
        errors: [413, 415],
      },
      async ({ body }) => {
        const input = {
          url: body.url,
          events: body.events,
          secret: newWebhookSecret(),
          createdAt: clock.now(),
        };
        const created = await store.unitOfWork.transaction((repos) =>
          repos.webhooks.createSubscription(input),
        );
        return { status: 201, body: { ...subscriptionJson(created), secret: created.secret } };
      },
    ),
    defineRoute(
      {
        ...base,
        method: 'get',
        path: '/api/webhooks',
        operationId: 'listWebhooks',
        summary: 'Every webhook subscription (without secrets)',
        scope: 'read',
        schemas: {},
        responses: { 200: { description: 'The subscriptions', schema: webhookListJson } },
        errors: [],
      },
      async () => ({
        status: 200,
        body: { webhooks: (await store.reads.webhooks.listSubscriptions()).map(subscriptionJson) },
      }),
    ),
    defineRoute(
      {
        ...base,
        method: 'delete',
        path: '/api/webhooks/:id',
        operationId: 'deleteWebhook',
        summary: 'Delete a subscription and its deliveries',
        scope: 'admin',
        schemas: { params: webhookIdParams },
        responses: { 204: { description: 'Deleted', schema: null }, 404: notFound },
        errors: [404],
      },
      async ({ params }) => {
        const deleted = await store.unitOfWork.transaction((repos) =>
          repos.webhooks.deleteSubscription(params.id),
        );
        if (!deleted) throw missing(params.id);
        return { status: 204, body: undefined };
      },
    ),
    defineRoute(
      {
        ...base,
        method: 'get',
        path: '/api/webhooks/:id/deliveries',
        operationId: 'listWebhookDeliveries',
        summary: 'The delivery log: state, attempts, last status code, latency and error, newest first',
        scope: 'read',
        schemas: { params: webhookIdParams, query: deliveryListQuery },
        responses: { 200: { description: 'The deliveries', schema: deliveryListJson }, 404: notFound },
        errors: [404],
      },
      async ({ params, query }) => {
        if ((await store.reads.webhooks.findSubscription(params.id)) === null) throw missing(params.id);
        const deliveries = await store.reads.webhooks.listDeliveries(params.id, query.limit);
        return { status: 200, body: { deliveries: deliveries.map(deliveryToJson) } };
      },
    ),
    defineRoute(
      {
        ...base,
        method: 'post',
        path: '/api/webhooks/:id/test',
        operationId: 'testWebhook',
        summary: `Queue a ${WEBHOOK_TEST_EVENT} delivery, sent like any other`,
        scope: 'write',
        schemas: { params: webhookIdParams },
        responses: { 202: { description: 'The queued delivery', schema: testDeliveryJson }, 404: notFound },
        errors: [404],
      },
      async ({ params }) => {
        const now = clock.now();
        const delivery = await store.unitOfWork.transaction(async (repos) => {
          if ((await repos.webhooks.findSubscription(params.id)) === null) throw missing(params.id);
          const payload = testPayload(params.id, now);
          const [id] = await repos.webhooks.enqueue(
            [
              {
                messageId: newWebhookMessageId(),
                webhookId: params.id,
                eventType: WEBHOOK_TEST_EVENT,
                payload,
              },
            ],
            now,
          );
          // The newest delivery of the subscription is the one just written, in this transaction.
          const [newest] = await repos.webhooks.listDeliveries(params.id, 1);
          return newest?.id === id ? newest : undefined;
        });
        if (delivery === undefined) throw new Error('The test delivery vanished right after its insert.');
        return { status: 202, body: { delivery: deliveryToJson(delivery) } };
      },
    ),
  ];
}
