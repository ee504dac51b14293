import type { Repositories } from '../ports/unit-of-work.js';
import { webhookPayload, type WebhookEvent } from './webhook-events.js';

/**
 * Writes one pending delivery per event and subscription that wants it, in the caller's transaction
 * (docs/architecture.md#webhooks). Subscriptions are read only when there is something to send.
 */
export async function enqueueWebhooks(
  repos: Repositories,
  events: readonly WebhookEvent[],
  now: Date,
): Promise<void> {
  if (events.length === 0) return;
  const subscriptions = await repos.webhooks.listSubscriptions();
  const deliveries = events.flatMap((event) =>
    subscriptions
      .filter((subscription) => subscription.events.includes(event.type))
      .map((subscription) => ({
        webhookId: subscription.id,
        eventType: event.type,
        payload: webhookPayload(event),
      })),
  );
  if (deliveries.length > 0) await repos.webhooks.enqueue(deliveries, now);
}
