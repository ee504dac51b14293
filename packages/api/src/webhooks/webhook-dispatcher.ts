import {
  deliveryAttempt,
  deliveryLeaseUntil,
  type ClaimedDelivery,
  type Clock,
  type SendResult,
  type Store,
  type WebhookRetryPolicy,
} from '@steptrail/domain';
import type { Logger } from '@steptrail/runtime';
import { webhookHeaders } from './webhook-signature.js';

/** What the dispatcher reports after each attempt: its outcome and how long the receiver took (metrics). */
export interface WebhookObserver {
  attempted(outcome: 'delivered' | 'pending' | 'failed', latencyMs: number): void;
}

export interface WebhookDispatcherOptions extends WebhookRetryPolicy {
  pollMs: number;
  timeoutMs: number;
  /** Deliveries claimed per pass. */
  batchSize?: number;
}

/**
 * Sends the webhooks' outbox (docs/architecture.md#webhooks). Every API process runs one; a claim locks due rows
 * with SKIP LOCKED and moves them past the send, so each attempt is made by one process. A process that dies
 * mid-send leaves its rows to come due again: at least once, never lost.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: WebhookDispatcherOptions,
    private readonly observer: WebhookObserver | null = null,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Claims and sends due deliveries until none is due; answers how many were attempted. */
  async runOnce(): Promise<number> {
    let attempted = 0;
    for (;;) {
      // The time is read inside the transaction: a claim that waited for a connection still gets its whole lease.
      const claimed = await this.store.unitOfWork.transaction((repos) => {
        const now = this.clock.now();
        const leaseUntil = deliveryLeaseUntil(now, this.options.timeoutMs);
        return repos.webhooks.claimDue(now, this.options.batchSize ?? 20, leaseUntil);
      });
      if (claimed.length === 0) return attempted;
      await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
      attempted += claimed.length;
      if (this.stopped) return attempted;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((error: unknown) => this.log.warn({ err: error }, 'webhook dispatch pass failed'))
        .finally(() => this.schedule(this.options.pollMs));
    }, delayMs);
    this.timer.unref();
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const sent = await send(delivery, this.clock.now(), this.options.timeoutMs);
    const now = this.clock.now();
    const record = deliveryAttempt(delivery.attempts, sent, now, this.options);
    const recorded = await this.store.unitOfWork.transaction((repos) =>
      repos.webhooks.recordAttempt(delivery.id, record, now),
    );
    this.observer?.attempted(record.state, sent.latencyMs);
    const fields = { deliveryId: delivery.id, webhookId: delivery.webhookId, attempts: delivery.attempts };
    if (!recorded) {
      this.log.warn({ ...fields, state: record.state }, 'webhook attempt outlived its lease; not recorded');
      return;
    }
    if (record.state === 'delivered')
      this.log.debug({ ...fields, latencyMs: sent.latencyMs }, 'webhook delivered');
    else this.log.warn({ ...fields, state: record.state, error: record.error }, 'webhook attempt failed');
  }
}

/** POSTs one delivery, signed; never throws: a network error or timeout is a result without a status code. */
export async function send(delivery: ClaimedDelivery, now: Date, timeoutMs: number): Promise<SendResult> {
  const started = performance.now();
  const headers = webhookHeaders(
    delivery.secret,
    delivery.messageId,
    Math.floor(now.getTime() / 1000),
    delivery.payload,
  );
  try {
    const response = await fetch(delivery.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: delivery.payload,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    await response.body?.cancel();
    return { statusCode: response.status, latencyMs: Math.round(performance.now() - started), error: null };
  } catch (error) {
    const message = describeFailure(error, timeoutMs);
    return { statusCode: null, latencyMs: Math.round(performance.now() - started), error: message };
  }
}

/** A failed send in one line: the timeout, or fetch's error with the reason beneath it (ECONNREFUSED). */
function describeFailure(error: unknown, timeoutMs: number): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  const cause: unknown = error.cause;
  if (typeof cause !== 'object' || cause === null) return error.message;
  const code = 'code' in cause ? cause.code : undefined;
  const detail = 'message' in cause ? cause.message : undefined;
  const reason = typeof code === 'string' ? code : typeof detail === 'string' ? detail : null;
  return reason === null ? error.message : `${error.message}: ${reason}`;
}
