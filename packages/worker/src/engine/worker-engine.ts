import { setTimeout } from 'node:timers/promises';
import { retryDelayMs, stepKey, type ClaimedStep, type WorkClaims, type WorkSignal } from '@steptrail/domain';
import { describeError, type Logger } from '@steptrail/runtime';
import { LeaseHeartbeat } from './lease-heartbeat.js';
import type { OutcomeRecorder } from './outcome-recorder.js';
import { Reaper } from './reaper.js';
import type { StepRunner } from './step-runner.js';

export interface EngineOptions {
  workerId: string;
  concurrency: number;
  claimBatchSize: number;
  leaseMs: number;
  heartbeatMs: number;
  reaperIntervalMs: number;
  /** How long an idle worker sleeps before looking again when no wake-up arrives. */
  idleWaitMs: number;
  shutdownGraceMs: number;
  /** The steps this worker has handlers for. */
  stepNames: readonly string[];
  maxAttempts: (stepName: string) => number;
}

export interface EngineDeps {
  claims: WorkClaims;
  workSignal: WorkSignal;
  runner: StepRunner;
  /** Where the runner's outcomes wait to be recorded together; told to hurry when the engine stops. */
  outcomes: OutcomeRecorder;
  log: Logger;
}

/** How long a claim waits for more free slots to fill a batch while steps are running. */
const LINGER_MS = 5;

interface InFlight {
  step: ClaimedStep;
  controller: AbortController;
  released: boolean;
  /** Set when the runner starts recording the outcome; the lease then disappears because the step is done. */
  finishing: boolean;
  done: Promise<void>;
}

/** How a stop ended: steps that finished during the grace period, and steps handed back. */
export interface StopReport {
  finished: number;
  released: number;
}

/**
 * The claim loop: claims runnable steps in batches up to the free slots, runs each on the StepRunner, renews
 * leases by heartbeat and recovers dead workers' steps. stop() stops claiming, lets running steps finish for the
 * grace period, then releases the rest.
 */
export class WorkerEngine {
  private readonly inFlight = new Map<string, InFlight>();
  private readonly stopper = new AbortController();
  private readonly heartbeat: LeaseHeartbeat;
  private readonly reaper: Reaper;
  private slotWaiters: Array<() => void> = [];
  private loopDone: Promise<void> | null = null;
  private stopping: Promise<StopReport> | null = null;
  private claimFailures = 0;
  /** Retries this worker scheduled: a delayed retry is announced when scheduled, not when it comes due. */
  private retryTimes: number[] = [];

  constructor(
    private readonly deps: EngineDeps,
    private readonly options: EngineOptions,
  ) {
    const { claims, log } = deps;
    this.heartbeat = new LeaseHeartbeat(
      { claims, log, workerId: options.workerId, leaseMs: options.leaseMs, intervalMs: options.heartbeatMs },
      () =>
        [...this.inFlight.values()]
          .filter((entry) => !entry.released && !entry.finishing)
          .map((entry) => ({ ref: entry.step, onLost: () => this.leaseLost(entry) })),
    );
    this.reaper = new Reaper({
      claims,
      log,
      intervalMs: options.reaperIntervalMs,
      maxAttempts: options.maxAttempts,
    });
  }

  get running(): number {
    return this.inFlight.size;
  }

  start(): void {
    if (this.loopDone !== null) return;
    this.heartbeat.start();
    this.reaper.start();
    this.loopDone = this.loop();
  }

  /** Stops claiming; finishes or releases every running step; resolves when nothing of this worker runs. */
  stop(): Promise<StopReport> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async loop(): Promise<void> {
    const { options } = this;
    while (!this.stopper.signal.aborted) {
      if (this.inFlight.size >= options.concurrency) {
        await this.slotFreed();
        continue;
      }
      await this.lingerForSlots();
      const free = options.concurrency - this.inFlight.size;
      if (free <= 0 || this.stopper.signal.aborted) continue;
      // Subscribe before claiming: an announcement that lands between the claim and the wait still wakes us.
      const waitDone = new AbortController();
      const wake = this.deps.workSignal.wait(
        this.idleWait(),
        AbortSignal.any([this.stopper.signal, waitDone.signal]),
      );
      const claimed = await this.claim(Math.min(free, options.claimBatchSize));
      for (const step of claimed) this.launch(step);
      if (claimed.length === 0 && !this.stopper.signal.aborted) await wake;
      waitDone.abort();
    }
  }

  /** Claim in batches: with steps running, wait for this many free slots (or the linger time) before claiming. */
  private refillAt(): number {
    return this.inFlight.size === 0
      ? 1
      : Math.max(1, Math.ceil(Math.min(this.options.claimBatchSize, this.options.concurrency) / 2));
  }

  /**
   * Waits until enough slots are free for a batch, or LINGER_MS at most: one claim transaction then takes several
   * steps when steps are short, and a long step never keeps a free slot idle for longer than that.
   */
  private async lingerForSlots(): Promise<void> {
    const deadline = Date.now() + LINGER_MS;
    while (!this.stopper.signal.aborted && this.options.concurrency - this.inFlight.size < this.refillAt()) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      const timer = new AbortController();
      // The timer rejects once aborted, after the race is decided: nobody waits for it any more.
      const timeUp = setTimeout(left, undefined, { signal: timer.signal }).catch(() => undefined);
      await Promise.race([this.slotFreed(), timeUp]);
      timer.abort();
    }
  }

  /** The idle wait, cut short when a retry this worker scheduled comes due sooner. */
  private idleWait(): number {
    const now = Date.now();
    this.retryTimes = this.retryTimes.filter((time) => time > now);
    const nextRetry = Math.min(...this.retryTimes) - now + 1;
    return Math.max(1, Math.min(this.options.idleWaitMs, nextRetry));
  }

  private async claim(limit: number): Promise<ClaimedStep[]> {
    try {
      const claimed = await this.deps.claims.claim(this.options.workerId, {
        limit,
        leaseMs: this.options.leaseMs,
        stepNames: this.options.stepNames,
      });
      this.claimFailures = 0;
      return claimed;
    } catch (error) {
      this.claimFailures += 1;
      const pause = retryDelayMs(this.claimFailures + 1, { baseMs: this.options.idleWaitMs, maxMs: 10_000 });
      this.deps.log.error({ error: describeError(error), pauseMs: pause }, 'claiming failed; backing off');
      // stop() cuts the pause short (the timer rejects then).
      await setTimeout(pause, undefined, { signal: this.stopper.signal }).catch(() => undefined);
      return [];
    }
  }

  private launch(step: ClaimedStep): void {
    const controller = new AbortController();
    const entry: InFlight = { step, controller, released: false, finishing: false, done: Promise.resolve() };
    this.inFlight.set(stepKey(step), entry);
    this.deps.log.debug({ fileId: step.fileId, step: step.stepName, attempt: step.attempt }, 'step claimed');
    entry.done = this.deps.runner
      .run(step, {
        signal: controller.signal,
        released: () => entry.released,
        finishing: () => (entry.finishing = true),
      })
      .then(({ retryAt }) => {
        if (retryAt !== null) this.retryTimes.push(retryAt.getTime());
      })
      .catch((error: unknown) =>
        this.deps.log.error({ step: step.stepName, error: describeError(error) }, 'step runner crashed'),
      )
      .finally(() => {
        this.inFlight.delete(stepKey(step));
        const waiters = this.slotWaiters;
        this.slotWaiters = [];
        for (const wake of waiters) wake();
      });
  }

  private slotFreed(): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopper.signal.aborted) return resolve();
      const done = () => {
        this.stopper.signal.removeEventListener('abort', done);
        resolve();
      };
      this.slotWaiters.push(done);
      this.stopper.signal.addEventListener('abort', done, { once: true });
    });
  }

  private leaseLost(entry: InFlight): void {
    // A step that finished while its lease was being renewed holds no lease any more: that is not a loss.
    if (entry.controller.signal.aborted || entry.finishing || entry.released) return;
    this.deps.log.warn(
      {
        fileId: entry.step.fileId,
        step: entry.step.stepName,
      },
      'lease lost; abandoning the step',
    );
    entry.controller.abort(new Error('lease lost'));
  }

  private async shutdown(): Promise<StopReport> {
    this.stopper.abort();
    // Counted from the moment the stop began: a step may finish while the loop and the reaper wind down.
    const stopping = new Set(this.inFlight.values());
    await this.loopDone;
    // A claim under way when the stop began launches its steps still.
    for (const entry of this.inFlight.values()) stopping.add(entry);
    await this.reaper.stop();
    await this.deps.outcomes.hurry();
    const running = [...stopping];
    this.deps.log.info(
      {
        running: running.length,
        graceMs: this.options.shutdownGraceMs,
      },
      'stopping: waiting for running steps',
    );
    const allDone = Promise.all(running.map((entry) => entry.done));
    await Promise.race([allDone, setTimeout(this.options.shutdownGraceMs)]);
    const left = [...this.inFlight.values()];
    for (const entry of left) await this.release(entry);
    // Give the aborted handlers a moment to clean up their scratch folders; their outcome is no longer recorded.
    await Promise.race([Promise.all(left.map((entry) => entry.done)), setTimeout(2_000)]);
    await this.heartbeat.stop();
    const report = { finished: running.length - left.length, released: left.length };
    this.deps.log.info(report, 'stopped');
    return report;
  }

  private async release(entry: InFlight): Promise<void> {
    entry.released = true;
    entry.controller.abort(new Error('worker shutting down'));
    try {
      const released = await this.deps.claims.release(
        this.options.workerId,
        entry.step,
        'worker shutting down',
      );
      if (!released.ok)
        this.deps.log.warn(
          {
            step: entry.step.stepName,
            reason: released.error.message,
          },
          'release not recorded',
        );
    } catch (error) {
      // The lease then expires and the reaper of another worker re-queues the step.
      this.deps.log.error({ step: entry.step.stepName, error: describeError(error) }, 'release failed');
    }
  }
}
