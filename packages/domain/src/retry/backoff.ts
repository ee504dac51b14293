/** How long to wait between attempts of something that failed and may succeed later. */
export interface BackoffPolicy {
  /** Delay ceiling after the first failed attempt. */
  baseMs: number;
  /** No delay exceeds this. */
  maxMs: number;
}

/**
 * The delay before the next attempt after `failedAttempts` attempts failed, for every retry steptrail makes (a
 * step's next attempt, a transaction that lost a race, a dropped connection): the ceiling doubles with each failure
 * (base, 2·base, 4·base, ... up to max) and the delay is drawn from its upper half ("equal jitter"), so retries of
 * many things that failed together spread out, yet none comes back sooner than half its ceiling.
 */
export function retryDelayMs(
  failedAttempts: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.floor(failedAttempts) - 1);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(exponent, 52));
  const draw = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling / 2 + draw * (ceiling / 2));
}
