import type {
  CreatedWebhook,
  CreateWebhook,
  DeliveryAttempts,
  TestDelivery,
  UpdateWebhook,
  Webhook,
  WebhookDeliveries,
} from './api-types.js';
import type { Transport } from './transport.js';

/** Webhook subscriptions and their deliveries (docs/architecture.md#webhooks). */
export class WebhookCalls {
  constructor(private readonly transport: Transport) {}

  async list(): Promise<Webhook[]> {
    const answer = await this.transport.request<{ webhooks: Webhook[] }>({
      method: 'GET',
      path: '/api/webhooks',
      idempotent: true,
    });
    return answer.webhooks;
  }

  /** Subscribes a receiver; the answer's `secret` is shown only once. Not retried. */
  create(body: CreateWebhook): Promise<CreatedWebhook> {
    return this.transport.request({ method: 'POST', path: '/api/webhooks', body, idempotent: false });
  }

  /** Pauses or resumes a subscription; setting the same state again changes nothing, so it is retried. */
  update(id: number, body: UpdateWebhook): Promise<Webhook> {
    return this.transport.request({ method: 'PATCH', path: `/api/webhooks/${id}`, body, idempotent: true });
  }

  remove(id: number): Promise<void> {
    return this.transport.request({ method: 'DELETE', path: `/api/webhooks/${id}`, idempotent: false });
  }

  /** Queues a test delivery. Not retried: a repeat queues another. */
  test(id: number): Promise<TestDelivery> {
    return this.transport.request({ method: 'POST', path: `/api/webhooks/${id}/test`, idempotent: false });
  }

  deliveries(id: number, limit = 100): Promise<WebhookDeliveries> {
    return this.transport.request({
      method: 'GET',
      path: `/api/webhooks/${id}/deliveries`,
      query: { limit },
      idempotent: true,
    });
  }

  attempts(id: number, deliveryId: number): Promise<DeliveryAttempts> {
    return this.transport.request({
      method: 'GET',
      path: `/api/webhooks/${id}/deliveries/${deliveryId}/attempts`,
      idempotent: true,
    });
  }
}
