/** How often and how patiently a request is repeated (docs/architecture.md#the-client). */
export interface RetryPolicy {
  /** Attempts in all, the first included; 1 turns retries off. */
  attempts: number;
  /** The first wait; each further wait doubles, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 5_000 };

/** HTTP statuses worth repeating: the server was busy or failed, not the request. */
export const retryableStatus = (status: number): boolean => status === 429 || status >= 500;

/**
 * The wait before attempt `attempt + 1` (attempt counts from 1): exponential with "full jitter", a random wait
 * between zero and the exponential ceiling, so many clients that failed together do not retry together. A server's
 * Retry-After (in seconds) is a floor.
 */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfterSeconds: number | null,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.round(random() * ceiling);
  return retryAfterSeconds === null ? jittered : Math.max(jittered, retryAfterSeconds * 1000);
}

/** Retry-After in seconds, or null (an HTTP date or garbage counts as absent). */
export function retryAfter(header: string | null): number | null {
  if (header === null || !/^\d{1,5}$/.test(header.trim())) return null;
  return Number(header.trim());
}
