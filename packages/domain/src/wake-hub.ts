import type { WorkSignal } from './ports/work-queue.js';

/** In-process wake-ups for idle workers, fed by local commits and by a push source such as LISTEN/NOTIFY. */
export class WakeHub implements WorkSignal {
  private readonly waiters = new Set<() => void>();

  wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  // Its own timer, not node:timers/promises: the domain imports nothing outside itself (docs/architecture.md#packages).
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted === true) {
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
