import type {
  AttemptRecord,
  DeliveryAttempt,
  ClaimedDelivery,
  NewDelivery,
  WebhookDelivery,
  WebhookStore,
  WebhookSubscription,
} from '../ports/webhook-store.js';
import type { MemoryState } from './memory-state.js';

const copy = <T>(value: T): T => structuredClone(value);

/** WebhookStore over a MemoryState; transactions run one at a time, so a claim needs no lock. */
export class MemoryWebhooks implements WebhookStore {
  constructor(private readonly state: () => MemoryState) {}

  async createSubscription(
    input: Omit<WebhookSubscription, 'id' | 'pausedAt'>,
  ): Promise<WebhookSubscription> {
    const hooks = this.state().webhooks;
    const subscription = { ...copy(input), id: hooks.nextId++, pausedAt: null };
    hooks.subscriptions.set(subscription.id, subscription);
    return copy(subscription);
  }

  async listSubscriptions(): Promise<WebhookSubscription[]> {
    return [...this.state().webhooks.subscriptions.values()].map(copy);
  }

  async findSubscription(id: number): Promise<WebhookSubscription | null> {
    const found = this.state().webhooks.subscriptions.get(id);
    return found === undefined ? null : copy(found);
  }

  async setPaused(id: number, pausedAt: Date | null): Promise<WebhookSubscription | null> {
    const found = this.state().webhooks.subscriptions.get(id);
    if (found === undefined) return null;
    found.pausedAt = pausedAt;
    return copy(found);
  }

  async deleteSubscription(id: number): Promise<boolean> {
    const hooks = this.state().webhooks;
    hooks.attempts = hooks.attempts.filter((attempt) => attempt.webhookId !== id);
    for (const delivery of [...hooks.deliveries.values()])
      if (delivery.webhookId === id) hooks.deliveries.delete(delivery.id);
    return hooks.subscriptions.delete(id);
  }

  async enqueue(deliveries: readonly NewDelivery[], now: Date): Promise<number[]> {
    const hooks = this.state().webhooks;
    const ids: number[] = [];
    for (const delivery of deliveries) {
      const id = hooks.nextId++;
      ids.push(id);
      hooks.deliveries.set(id, {
        ...delivery,
        id,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        lastStatusCode: null,
        lastLatencyMs: null,
        lastError: null,
        createdAt: now,
        updatedAt: now,
      });
    }
    return ids;
  }

  async findDelivery(webhookId: number, deliveryId: number): Promise<WebhookDelivery | null> {
    const found = this.state().webhooks.deliveries.get(deliveryId);
    return found === undefined || found.webhookId !== webhookId ? null : copy(found);
  }

  async listDeliveries(webhookId: number, limit: number): Promise<WebhookDelivery[]> {
    return [...this.state().webhooks.deliveries.values()]
      .filter((delivery) => delivery.webhookId === webhookId)
      .sort((a, b) => b.id - a.id)
      .slice(0, limit)
      .map(copy);
  }

  async claimDue(now: Date, limit: number, leaseUntil: Date): Promise<ClaimedDelivery[]> {
    const hooks = this.state().webhooks;
    const active = (webhookId: number) => hooks.subscriptions.get(webhookId)?.pausedAt === null;
    const due = [...hooks.deliveries.values()]
      .filter(
        (d) =>
          d.state === 'pending' && d.nextAttemptAt !== null && d.nextAttemptAt <= now && active(d.webhookId),
      )
      .sort((a, b) => (a.nextAttemptAt?.getTime() ?? 0) - (b.nextAttemptAt?.getTime() ?? 0) || a.id - b.id);
    const claimed: ClaimedDelivery[] = [];
    for (const delivery of due.slice(0, limit)) {
      const subscription = hooks.subscriptions.get(delivery.webhookId);
      if (subscription === undefined) continue;
      Object.assign(delivery, { attempts: delivery.attempts + 1, nextAttemptAt: leaseUntil, updatedAt: now });
      claimed.push({ ...copy(delivery), url: subscription.url, secret: subscription.secret });
    }
    return claimed;
  }

  async recordAttempt(id: number, attempt: AttemptRecord, now: Date): Promise<boolean> {
    const hooks = this.state().webhooks;
    const delivery = hooks.deliveries.get(id);
    if (delivery?.state !== 'pending' || delivery.attempts !== attempt.attempt) return false;
    hooks.attempts.push({
      id: hooks.nextId++,
      deliveryId: id,
      webhookId: delivery.webhookId,
      attempt: attempt.attempt,
      outcome: attempt.state,
      statusCode: attempt.statusCode,
      latencyMs: attempt.latencyMs,
      error: attempt.error,
      attemptedAt: now,
    });
    Object.assign(delivery, {
      state: attempt.state,
      nextAttemptAt: attempt.nextAttemptAt,
      lastStatusCode: attempt.statusCode,
      lastLatencyMs: attempt.latencyMs,
      lastError: attempt.error,
      updatedAt: now,
    });
    return true;
  }

  async listAttempts(webhookId: number, deliveryId: number): Promise<DeliveryAttempt[]> {
    return this.state()
      .webhooks.attempts.filter((row) => row.webhookId === webhookId && row.deliveryId === deliveryId)
      .sort((a, b) => a.attempt - b.attempt || a.id - b.id)
      .map(copy);
  }
}
