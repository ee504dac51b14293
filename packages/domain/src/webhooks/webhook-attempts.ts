import type { AttemptRecord } from '../ports/webhook-store.js';
import { retryDelayMs, type BackoffPolicy } from '../retry/backoff.js';

export interface WebhookRetryPolicy extends BackoffPolicy {
  /** Attempts in all; after the last failed one the delivery is `failed`. */
  maxAttempts: number;
}

/**
 * How long a claim holds a delivery (docs/architecture.md#webhook-leases): twice the send's timeout and 5 s more,
 * counted from inside the claiming transaction, so neither a slow connection pool nor a slow answer lets another
 * process claim the same attempt while this one still sends it.
 */
export function deliveryLeaseUntil(now: Date, timeoutMs: number): Date {
  return new Date(now.getTime() + timeoutMs * 2 + 5_000);
}

/** What one send gave: the receiver's status code (null when none came back), the time taken, the error. */
export interface SendResult {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

/**
 * The outcome of the `attempts`-th attempt (docs/architecture.md#webhooks): a 2xx delivers; anything else is retried
 * after the backoff every steptrail retry uses, until the attempts are used up.
 */
export function deliveryAttempt(
  attempts: number,
  sent: SendResult,
  now: Date,
  policy: WebhookRetryPolicy,
  random: () => number = Math.random,
): AttemptRecord {
  const ok = sent.statusCode !== null && sent.statusCode >= 200 && sent.statusCode < 300;
  const error = ok ? null : (sent.error ?? `HTTP ${sent.statusCode ?? 'no answer'}`);
  const base = { attempt: attempts, statusCode: sent.statusCode, latencyMs: sent.latencyMs, error };
  if (ok) return { ...base, state: 'delivered', nextAttemptAt: null };
  if (attempts >= policy.maxAttempts) return { ...base, state: 'failed', nextAttemptAt: null };
  const delay = retryDelayMs(attempts, policy, random);
  return { ...base, state: 'pending', nextAttemptAt: new Date(now.getTime() + delay) };
}
