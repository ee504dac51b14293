import { setTimeout } from 'node:timers/promises';
import type { WorkSignal } from './ports/work-queue.js';

/** In-process wake-ups for idle workers, fed by local commits and by a push source such as LISTEN/NOTIFY. */
export class WakeHub implements WorkSignal {
  private readonly waiters = new Set<() => void>();

  wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  async wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return;
    const woken = new AbortController();
    const wake = () => woken.abort();
    this.waiters.add(wake);
    signal?.addEventListener('abort', wake, { once: true });
    try {
      // A wake-up or the caller's abort cuts the timer short, which then rejects: the wait is over either way.
      await setTimeout(timeoutMs, undefined, { signal: woken.signal }).catch(() => undefined);
    } finally {
      this.waiters.delete(wake);
      signal?.removeEventListener('abort', wake);
    }
  }
}
