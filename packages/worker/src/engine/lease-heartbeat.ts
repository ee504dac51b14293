import { setTimeout } from 'node:timers/promises';
import { stepKey, type StepRef, type WorkClaims } from '@steptrail/domain';
import { describeError, type Logger } from '@steptrail/runtime';

export interface HeldStep {
  ref: StepRef;
  /** Called when the worker no longer holds the step's lease (it expired and another worker took over). */
  onLost(): void;
}

/**
 * Renews the leases of the steps this worker runs, every `intervalMs` (a fraction of the lease), in one
 * transaction for all of them. A step whose lease could not be renewed is reported lost.
 */
export class LeaseHeartbeat {
  private readonly stopper = new AbortController();
  private running: Promise<void> | null = null;

  constructor(
    private readonly deps: {
      claims: WorkClaims;
      workerId: string;
      leaseMs: number;
      intervalMs: number;
      log: Logger;
    },
    private readonly held: () => readonly HeldStep[],
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    await this.running;
  }

  /** One renewal round; exposed for the engine's tests. */
  async beat(): Promise<void> {
    const steps = this.held();
    if (steps.length === 0) return;
    const kept = await this.deps.claims.renew(
      this.deps.workerId,
      steps.map((step) => step.ref),
      this.deps.leaseMs,
    );
    const keys = new Set(kept.map(stepKey));
    for (const step of steps) {
      if (!keys.has(stepKey(step.ref))) step.onLost();
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopper.signal.aborted) {
      // stop() cuts the pause short (the timer rejects then), and the loop ends.
      await setTimeout(this.deps.intervalMs, undefined, { signal: this.stopper.signal }).catch(
        () => undefined,
      );
      if (this.stopper.signal.aborted) return;
      try {
        await this.beat();
      } catch (error) {
        this.deps.log.warn(
          {
            error: describeError(error),
          },
          'lease renewal failed; retrying at the next beat',
        );
      }
    }
  }
}
