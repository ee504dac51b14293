import { randomUUID } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import { RollupReconciler, type Clock, type Store } from '@steptrail/domain';
import type { Logger } from './logger.js';

export interface ReconcileLoopOptions {
  /** Pause between passes that found nothing more to do; 0 turns the loop off. */
  intervalMs: number;
  /** How long the lease lasts without renewal: how soon another process takes over from one that died. */
  leaseMs?: number;
  /** Names the holder in the reconciler's row (a unique suffix is added). */
  owner: string;
}

/**
 * Runs the rollup reconciler in the background of an API or worker process (docs/architecture.md#foreign-writes):
 * a pass, then the next one at once when a table had more rows than one pass takes, else after `intervalMs`. Every
 * process runs one; the lease lets exactly one of them work at a time. A failing pass is logged and retried.
 */
export class ReconcileLoop {
  private readonly reconciler: RollupReconciler;
  private readonly owner: string;
  private readonly stopping = new AbortController();
  private running: Promise<void> | null = null;
  private failing = false;

  constructor(
    private readonly store: Store,
    clock: Clock,
    private readonly log: Logger,
    private readonly options: ReconcileLoopOptions,
  ) {
    this.owner = `${options.owner}-${randomUUID().slice(0, 8)}`;
    this.reconciler = new RollupReconciler({
      unitOfWork: store.unitOfWork,
      reads: store.reads,
      clock,
      ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
    });
  }

  start(): void {
    if (this.options.intervalMs <= 0 || this.running !== null) return;
    this.running = this.loop();
  }

  /** Ends the loop after the pass in progress and gives the lease up. */
  async stop(): Promise<void> {
    this.stopping.abort();
    if (this.running === null) return;
    await this.running;
    this.running = null;
    await this.reconciler.release(this.owner).catch((error: unknown) => {
      this.log.warn({ err: error }, 'reconciler: giving up the lease failed; it lapses on its own');
    });
  }

  private async loop(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      let more = false;
      try {
        const pass = await this.reconciler.runOnce(this.owner);
        more = pass.more;
        if (pass.filesUpdated > 0)
          this.log.info({ filesUpdated: pass.filesUpdated }, 'reconciler: rollups brought up to date');
        if (this.failing) this.log.info('reconciler: passes succeed again');
        this.failing = false;
      } catch (error) {
        if (!this.failing) this.log.warn({ err: error }, 'reconciler: a pass failed; retrying');
        this.failing = true;
      }
      if (more) continue;
      await setTimeout(this.options.intervalMs, undefined, { signal: this.stopping.signal }).catch(
        () => undefined,
      );
    }
  }
}
