import type { Repositories } from '../ports/unit-of-work.js';
import { webhookPayload, type WebhookEvent } from './webhook-events.js';

/**
 * A new delivery's `webhook-id`: `msg_` and 32 hex digits of a random UUID. Row ids are no good: SQLite hands out
 * a deleted row's id again, so a receiver de-duplicating by id would drop a real event (docs/architecture.md#webhook-ids).
 */
export function newWebhookMessageId(): string {
  return `msg_${globalThis.crypto.randomUUID().replaceAll('-', '')}`;
}

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
        messageId: newWebhookMessageId(),
        webhookId: subscription.id,
        eventType: event.type,
        payload: webhookPayload(event),
      })),
  );
  if (deliveries.length > 0) await repos.webhooks.enqueue(deliveries, now);
}
