import type { DeliveryType, WebhookEventType } from '../webhooks/webhook-events.js';

/** A receiver of webhooks (docs/architecture.md#webhooks). The secret is stored to sign with; shown once. */
export interface WebhookSubscription {
  id: number;
  url: string;
  events: WebhookEventType[];
  /** `whsec_` + base64 of the signing key. */
  secret: string;
  createdAt: Date;
  /** Set while paused: its deliveries wait (still written, never attempted) until it is resumed. */
  pausedAt: Date | null;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

/** One event for one subscription: an outbox row, written in the transaction of the change that caused it. */
export interface WebhookDelivery {
  id: number;
  /**
   * The `webhook-id` every attempt sends: unique for ever, never a row id a database may hand out again after a
   * delete (docs/architecture.md#webhook-ids). A delivery written before it existed has its row id.
   */
  messageId: string;
  webhookId: number;
  eventType: DeliveryType;
  /** The JSON body sent, byte for byte on every attempt. */
  payload: string;
  state: DeliveryState;
  attempts: number;
  /** When a pending delivery is due (again); a claim pushes it past the send, as its lease. */
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastLatencyMs: number | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewDelivery = Pick<WebhookDelivery, 'messageId' | 'webhookId' | 'eventType' | 'payload'>;

/** A claimed delivery with what sending it needs. */
export interface ClaimedDelivery extends WebhookDelivery {
  url: string;
  secret: string;
}

export interface AttemptRecord {
  /** Which attempt this was (1 for the first). */
  attempt: number;
  state: DeliveryState;
  nextAttemptAt: Date | null;
  statusCode: number | null;
  latencyMs: number | null;
  error: string | null;
}

/** One attempt of a delivery, as the delivery log keeps it; `outcome` is the delivery's state after it. */
export interface DeliveryAttempt {
  id: number;
  deliveryId: number;
  webhookId: number;
  attempt: number;
  outcome: DeliveryState;
  statusCode: number | null;
  latencyMs: number | null;
  error: string | null;
  attemptedAt: Date;
}

/** Webhook subscriptions and their outbox of deliveries. */
export interface WebhookStore {
  /** Stores a subscription and answers it with its id. */
  createSubscription(input: Omit<WebhookSubscription, 'id' | 'pausedAt'>): Promise<WebhookSubscription>;
  /** Pauses (a time) or resumes (null) a subscription; answers it, or null when there is none. */
  setPaused(id: number, pausedAt: Date | null): Promise<WebhookSubscription | null>;
  /** Every subscription, oldest first. */
  listSubscriptions(): Promise<WebhookSubscription[]>;
  /** One subscription, or null. */
  findSubscription(id: number): Promise<WebhookSubscription | null>;
  /** Deletes a subscription with its deliveries and their attempts; false when there was none. */
  deleteSubscription(id: number): Promise<boolean>;
  /** Writes pending deliveries due at `now`, in the caller's transaction; answers their ids, in order. */
  enqueue(deliveries: readonly NewDelivery[], now: Date): Promise<number[]>;
  /** One delivery of a subscription, or null. */
  findDelivery(webhookId: number, deliveryId: number): Promise<WebhookDelivery | null>;
  /** A subscription's deliveries, newest first, at most `limit`. */
  listDeliveries(webhookId: number, limit: number): Promise<WebhookDelivery[]>;
  /**
   * Locks up to `limit` pending deliveries of subscriptions that are not paused, due at `now`, skipping rows another
   * transaction holds, counts an attempt
   * on each and moves it to `leaseUntil`, so no other process claims it while this one sends.
   */
  claimDue(now: Date, limit: number, leaseUntil: Date): Promise<ClaimedDelivery[]>;
  /**
   * Stores the outcome of an attempt on its delivery and as a row of the delivery log, at `now` — only while the
   * delivery is still `pending` under the claim that made it (its attempts equal `attempt.attempt`). False, writing
   * nothing, when its lease ran out and another claim took it meanwhile (docs/architecture.md#webhook-leases).
   */
  recordAttempt(id: number, attempt: AttemptRecord, now: Date): Promise<boolean>;
  /** The attempts of a subscription's delivery, oldest first; empty when there is no such delivery. */
  listAttempts(webhookId: number, deliveryId: number): Promise<DeliveryAttempt[]>;
}
