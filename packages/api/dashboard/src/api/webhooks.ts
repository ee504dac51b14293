import type { z } from 'zod';
import type {
  createdWebhookJson,
  deliveryAttemptsJson,
  deliveryListJson,
  webhookListJson,
} from '@steptrail/api-schema/webhook.schemas.js';
import { api } from './client.js';

// The webhook endpoints the Webhooks view uses (docs/architecture.md#webhooks), typed by the API's own schemas.

export type Webhook = z.input<typeof webhookListJson>['webhooks'][number];
export type WebhookEvent = Webhook['events'][number];
export type CreatedWebhook = z.input<typeof createdWebhookJson>;
export type Delivery = z.input<typeof deliveryListJson>['deliveries'][number];
export type DeliveryAttempt = z.input<typeof deliveryAttemptsJson>['attempts'][number];

/** Every event a subscription can ask for, with what it means; a Record, so a new event type is a compile error here. */
export const EVENT_MEANINGS: Record<WebhookEvent, string> = {
  'file.completed': 'a file finished all its steps',
  'file.failed': 'a file failed',
  'file.duplicate': 'a file turned out to be a duplicate',
  'step.failed': 'any step failed (also attempts that are retried)',
  'step.stalled': 'a step went silent past its stall window',
};
export const WEBHOOK_EVENTS = Object.keys(EVENT_MEANINGS) as WebhookEvent[];

export const webhooks = {
  list: async (): Promise<Webhook[]> => (await api<{ webhooks: Webhook[] }>('/api/webhooks')).webhooks,
  create: (url: string, events: WebhookEvent[]): Promise<CreatedWebhook> =>
    api<CreatedWebhook>('/api/webhooks', { method: 'POST', body: { url, events } }),
  setPaused: (id: number, paused: boolean): Promise<Webhook> =>
    api<Webhook>(`/api/webhooks/${id}`, { method: 'PATCH', body: { paused } }),
  remove: (id: number): Promise<void> => api<void>(`/api/webhooks/${id}`, { method: 'DELETE' }),
  test: (id: number): Promise<unknown> => api(`/api/webhooks/${id}/test`, { method: 'POST' }),
  deliveries: async (id: number, limit = 25): Promise<Delivery[]> =>
    (await api<{ deliveries: Delivery[] }>(`/api/webhooks/${id}/deliveries?limit=${limit}`)).deliveries,
  attempts: async (id: number, deliveryId: number): Promise<DeliveryAttempt[]> =>
    (await api<{ attempts: DeliveryAttempt[] }>(`/api/webhooks/${id}/deliveries/${deliveryId}/attempts`))
      .attempts,
};
