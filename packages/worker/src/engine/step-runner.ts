import { mkdirSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import {
  retryDelayMs,
  type ClaimedStep,
  type Clock,
  type PipelineSteps,
  type StepOutcome,
  type StepTracker,
  type Store,
} from '@steptrail/domain';
import { FileArtifacts } from '../handlers/file-artifacts.js';
import { FilePipeline } from '../handlers/file-pipeline.js';
import type { BoundHandlers } from '../handlers/handler-registry.js';
import type { StepContext, StepResult } from '../handlers/step-handler.js';
import { describeError, type Logger } from '@steptrail/runtime';
import type { OutcomeRecorder } from './outcome-recorder.js';
import { failureOutcome, type RetryPolicy } from './retry-policy.js';
import { PermanentError } from './permanent-error.js';

export interface StepRunnerDeps {
  store: Store;
  outcomes: OutcomeRecorder;
  tracker: StepTracker;
  pipelineSteps: PipelineSteps;
  handlers: BoundHandlers;
  retry: RetryPolicy;
  clock: Clock;
  log: Logger;
  workerId: string;
  storageDir: string;
  workDir: string;
  scratchDir: string;
  stepTimeoutMs: number;
}

/** What the engine tells a running step: abort, and whether the step was handed back already. */
export interface StepControl {
  signal: AbortSignal;
  /** True once the engine released the step (shutdown): its outcome must not be recorded any more. */
  released(): boolean;
  /** Called just before the outcome is recorded: from then on a missing lease means the step is done, not lost. */
  finishing(): void;
}

const FINISH_ATTEMPTS = 5;
/** Pauses between them: about 0.2, 0.4, 0.8 and 1.6 s. */
const OUTCOME_RETRY = { baseMs: 200, maxMs: 1_600 };

/** A handler that ran longer than STEP_TIMEOUT_MS: transient, so the step is tried again. */
export class StepTimeoutError extends Error {
  constructor(stepName: string, timeoutMs: number) {
    super(`Step ${stepName} did not finish within ${timeoutMs} ms (STEP_TIMEOUT_MS); abandoned.`);
    this.name = 'StepTimeoutError';
  }
}

/** Runs one claimed step: its handler in a scratch folder, then records the outcome (or the retry). */
export class StepRunner {
  constructor(private readonly deps: StepRunnerDeps) {}

  /** Runs the step and records its outcome; returns when a retry is due, so the engine can wake up for it. */
  async run(step: ClaimedStep, control: StepControl): Promise<{ retryAt: Date | null }> {
    const outcome = await this.execute(step, control);
    if (control.released() || control.signal.aborted) {
      this.deps.log.debug(
        {
          fileId: step.fileId,
          step: step.stepName,
          reason: String(control.signal.reason),
        },
        'step abandoned',
      );
      return { retryAt: null };
    }
    control.finishing();
    await this.finish(step, outcome);
    return { retryAt: outcome.status === 'failure' ? outcome.retryAt : null };
  }

  private async execute(step: ClaimedStep, control: StepControl): Promise<StepOutcome> {
    const { deps } = this;
    const handler = deps.handlers.get(step.stepName);
    const scratch = new LazyScratch(join(deps.scratchDir, `${step.fileId}-${step.stepName}-`));
    try {
      if (handler === null)
        throw new PermanentError(`No handler for step ${step.stepName} on worker ${deps.workerId}.`);
      const result = await this.withTimeout(step, control.signal, (signal) =>
        handler(this.context(step, scratch, signal)),
      );
      return toOutcome(result);
    } catch (error) {
      const outcome = failureOutcome(error, step, deps.retry, deps.clock.now());
      if (control.signal.aborted) return outcome;
      deps.log.warn(
        {
          fileId: step.fileId,
          step: step.stepName,
          attempt: step.attempt,
          error: describeError(error),
          retry: outcome.retryAt,
        },
        'step attempt failed',
      );
      return outcome;
    } finally {
      await scratch.remove();
    }
  }

  private context(
    step: ClaimedStep,
    scratch: LazyScratch,
    signal: AbortSignal,
  ): Omit<StepContext<unknown>, 'config'> {
    const { deps } = this;
    const pipeline = new FilePipeline(
      {
        store: deps.store,
        tracker: deps.tracker,
        pipelineSteps: deps.pipelineSteps,
        workerId: deps.workerId,
      },
      step.file,
      step.stepName,
    );
    const { localFilename } = step.file;
    return {
      file: step.file,
      stepName: step.stepName,
      attempt: step.attempt,
      maxAttempts: deps.retry.maxAttempts(step.stepName),
      workerId: deps.workerId,
      sourcePath: isAbsolute(localFilename) ? localFilename : resolve(deps.storageDir, localFilename),
      // Created on first use: most steps never need one, and two syscalls per step add up for short steps.
      get scratchDir() {
        return scratch.path();
      },
      artifacts: FileArtifacts.forFile(deps.workDir, step.fileId),
      log: pipeline,
      pipeline,
      signal,
    };
  }

  /**
   * Runs the handler with a signal that also aborts at STEP_TIMEOUT_MS; a handler that ignores it is not waited for
   * (its lease is no longer renewed once the attempt is recorded), so a hung handler cannot hold its step forever.
   */
  private async withTimeout<T>(
    step: ClaimedStep,
    outer: AbortSignal,
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new StepTimeoutError(step.stepName, this.deps.stepTimeoutMs)),
      this.deps.stepTimeoutMs,
    );
    const timedOut = new Promise<never>((_, reject) =>
      timeout.signal.addEventListener('abort', () => reject(timeout.signal.reason as Error), { once: true }),
    );
    try {
      return await Promise.race([run(AbortSignal.any([outer, timeout.signal])), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Records the outcome; a lost lease means another worker owns the step now, and nothing is written. */
  private async finish(step: ClaimedStep, outcome: StepOutcome): Promise<void> {
    const { deps } = this;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const ref = { fileId: step.fileId, stepName: step.stepName };
        const finished = await deps.outcomes.record(ref, outcome);
        if (!finished.ok)
          deps.log.warn(
            {
              fileId: step.fileId,
              step: step.stepName,
              reason: finished.error.message,
            },
            'outcome not recorded',
          );
        else
          deps.log.debug(
            {
              fileId: step.fileId,
              step: step.stepName,
              status: outcome.status,
            },
            'step finished',
          );
        return;
      } catch (error) {
        // The database may be briefly unreachable; past that the lease runs out and the reaper re-queues the step.
        if (attempt >= FINISH_ATTEMPTS) {
          deps.log.error(
            {
              fileId: step.fileId,
              step: step.stepName,
              error: describeError(error),
            },
            'could not record the outcome; the step will be re-queued when its lease expires',
          );
          return;
        }
        await pause(retryDelayMs(attempt, OUTCOME_RETRY));
      }
    }
  }
}

function toOutcome(result: StepResult): StepOutcome {
  if (result.status === 'skipped')
    return { status: 'skipped', message: result.reason, detail: result.detail ?? null };
  return { status: 'success', message: result.message ?? null, detail: result.detail ?? null };
}

/** A step's private folder, made the first time the handler asks for it and removed when the step ends. */
class LazyScratch {
  private made: string | null = null;

  constructor(private readonly prefix: string) {}

  path(): string {
    if (this.made === null) {
      mkdirSync(dirname(this.prefix), { recursive: true });
      this.made = mkdtempSync(this.prefix);
    }
    return this.made;
  }

  async remove(): Promise<void> {
    if (this.made !== null) await rm(this.made, { recursive: true, force: true }).catch(() => undefined);
  }
}
