import type { BulkOperations } from '@steptrail/domain';
import type { Logger } from '@steptrail/runtime';

export interface BulkRunnerOptions {
  chunkSize: number;
  /** Pause after each chunk, so a big operation leaves the database room for live traffic. */
  pauseMs: number;
  /** How often an idle runner looks for operations (other processes may start them). */
  pollMs: number;
}

/**
 * Works through bulk operations in the background of an API process (docs/architecture.md#bulk-operations): one
 * chunk at a time, from any process, so an operation started before a crash or in another process goes on here.
 */
export class BulkRunner {
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;

  constructor(
    private readonly bulk: BulkOperations,
    private readonly options: BulkRunnerOptions,
    private readonly log: Logger,
    /** Called after each chunk that changed something (live views refresh). */
    private readonly onChunk: () => void,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** Looks for work now (a new operation was started here). */
  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let worked = false;
      try {
        const chunk = await this.bulk.runChunk(this.options.chunkSize);
        if (chunk !== null) {
          worked = true;
          this.onChunk();
          if (chunk.finished) this.log.info({ operationId: chunk.operationId }, 'bulk operation completed');
        }
      } catch (error) {
        this.log.warn({ err: error }, 'bulk operation chunk failed; it is tried again');
      }
      await this.sleep(worked ? this.options.pauseMs : this.options.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}
