import type { StallWatch, StalledStep } from '@steptrail/domain';
import type { Logger } from './logger.js';

/**
 * Runs the stall sweep every `intervalMs` (±20 %, so processes started together spread out). Any number of
 * processes may run one: the sweep locks what it fails, so each stall gets one failure row
 * (docs/architecture.md#stalls).
 */
export class StallSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly watch: StallWatch,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.timer !== null) return;
    this.schedule();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One sweep now; what it failed is logged and reported. */
  async sweepOnce(): Promise<readonly StalledStep[]> {
    const stalled = await this.watch.sweep();
    for (const step of stalled) {
      this.log.warn(
        { fileId: step.fileId, step: step.stepName, since: step.since, lastTouchedBy: step.lastTouchedBy },
        'step stalled',
      );
    }
    return stalled;
  }

  private schedule(): void {
    const delay = this.intervalMs * (0.8 + Math.random() * 0.4);
    this.timer = setTimeout(() => {
      this.running = this.sweepOnce()
        .then(() => undefined)
        .catch((error: unknown) => this.log.error({ err: error }, 'stall sweep failed'))
        .finally(() => {
          this.running = null;
          if (this.timer !== null) this.schedule();
        });
    }, delay);
    this.timer.unref();
  }
}
