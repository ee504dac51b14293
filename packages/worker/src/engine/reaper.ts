import { setTimeout } from 'node:timers/promises';
import type { WorkClaims } from '@steptrail/domain';
import { describeError, type Logger } from '@steptrail/runtime';

const BATCH = 100;

/**
 * Re-queues the steps of dead workers: every interval (half a lease by default, so a step is back within two
 * lease periods of its worker's last heartbeat) it asks the domain to recover expired leases, batch by batch.
 */
export class Reaper {
  private readonly stopper = new AbortController();
  private running: Promise<void> | null = null;

  constructor(
    private readonly deps: {
      claims: WorkClaims;
      intervalMs: number;
      maxAttempts: (stepName: string) => number;
      log: Logger;
    },
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    await this.running;
  }

  /** Recovers every expired lease now; returns how many steps were re-queued or failed. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const recovered = await this.deps.claims.recoverExpired(BATCH, this.deps.maxAttempts);
      total += recovered;
      if (recovered < BATCH || this.stopper.signal.aborted) return total;
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopper.signal.aborted) {
      try {
        const recovered = await this.sweep();
        if (recovered > 0) this.deps.log.info({ recovered }, 'recovered steps of lost workers');
      } catch (error) {
        this.deps.log.warn({ error: describeError(error) }, 'lease recovery failed; retrying');
      }
      // stop() cuts the pause short (the timer rejects then): the loop ends at once, not an interval later.
      await setTimeout(jittered(this.deps.intervalMs, 0.2), undefined, { signal: this.stopper.signal }).catch(
        () => undefined,
      );
    }
  }
}

/** `ms` spread by ±`spread` (0.2 = ±20%), so many workers started together do not act in lockstep. */
const jittered = (ms: number, spread: number, random: () => number = Math.random): number =>
  Math.max(1, Math.round(ms * (1 - spread + 2 * spread * random())));
