import { DELIVERY_TYPES, WEBHOOK_EVENTS } from '@steptrail/domain';
import { z } from 'zod';
import { idString, isoDateTime, queryInt } from './common.schemas.js';

/** Schemas of the webhook routes (docs/architecture.md#webhooks). */
export const webhookIdParams = z.strictObject({ id: idString().meta({ description: 'Webhook id' }) });

const httpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .meta({ description: 'Where deliveries are POSTed (http or https)' });

export const createWebhookBody = z.strictObject({
  url: httpUrl,
  events: z
    .array(z.enum(WEBHOOK_EVENTS))
    .min(1)
    .transform((events) => [...new Set(events)])
    .meta({ description: 'The events to receive, a subset of the five' }),
});

export const webhookJson = z.strictObject({
  id: z.number().int(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  createdAt: isoDateTime,
  pausedAt: isoDateTime
    .nullable()
    .meta({ description: 'Set while paused: deliveries are still written, and wait until it is resumed' }),
});

export const createdWebhookJson = webhookJson.extend({
  secret: z.string().meta({ description: 'whsec_ + base64 signing key; shown only in this answer' }),
});

export const webhookListJson = z.strictObject({ webhooks: z.array(webhookJson) });

export const deliveryJson = z.strictObject({
  id: z.number().int(),
  messageId: z.string().meta({
    description:
      'Sent as the webhook-id header: msg_ + 32 hex digits, unique for ever (the id, for a delivery older than it)',
  }),
  webhookId: z.number().int(),
  eventType: z.enum(DELIVERY_TYPES),
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: isoDateTime.nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastLatencyMs: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  payload: z.string().meta({ description: 'The JSON body sent' }),
});

export const deliveryListQuery = z.strictObject({ limit: queryInt(1, 500, 100) });
export const deliveryListJson = z.strictObject({ deliveries: z.array(deliveryJson) });
export const testDeliveryJson = z.strictObject({ delivery: deliveryJson });

export const updateWebhookBody = z.strictObject({
  paused: z.boolean().meta({ description: 'true pauses the subscription, false resumes it' }),
});

export const deliveryParams = webhookIdParams.extend({
  deliveryId: idString().meta({ description: 'Delivery id (the webhook-id header)' }),
});

export const deliveryAttemptJson = z.strictObject({
  id: z.number().int(),
  deliveryId: z.number().int(),
  attempt: z.number().int().meta({ description: '1 for the first attempt' }),
  outcome: z
    .enum(['pending', 'delivered', 'failed'])
    .meta({ description: "The delivery's state after this attempt: pending means it is retried" }),
  statusCode: z.number().int().nullable(),
  latencyMs: z.number().int().nullable(),
  error: z.string().nullable(),
  attemptedAt: isoDateTime,
});

export const deliveryAttemptsJson = z.strictObject({ attempts: z.array(deliveryAttemptJson) });
