/** Resolves after `ms`, or at once when `signal` aborts; never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `ms` spread by ±`spread` (0.2 = ±20%), so many workers started together do not act in lockstep. */
export const jittered = (ms: number, spread: number, random: () => number = Math.random): number =>
  Math.max(1, Math.round(ms * (1 - spread + 2 * spread * random())));
