import { storableText } from '../events/storable-range.js';
import type { FileRecord } from '../files/file-record.js';
import { retryScheduledMessage } from '../retry/retry-message.js';
import type { Clock } from '../ports/clock.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';
import type { LockedStep, StepRef } from '../ports/work-queue.js';
import { domainError, err, ok, type Result } from '../result.js';
import { requeue } from './requeue.js';
import { StepBatch, type AppliedEvent, type StepChange } from './step-batch.js';

export interface ClaimedStep extends StepRef {
  file: FileRecord;
  /** 1 for the first run, 2 for the first retry, ... */
  attempt: number;
  leaseExpiresAt: Date;
}

export interface ClaimOptions {
  limit: number;
  leaseMs: number;
  /** Only these step names (the ones this worker has handlers for); null for any. */
  stepNames?: readonly string[] | null;
}

export type StepOutcome =
  | { status: 'success'; message?: string | null; detail?: string | null }
  | { status: 'skipped'; message: string; detail?: string | null }
  | { status: 'failure'; message: string; detail?: string | null; retryAt: Date | null };

/** How one claimed step ended, for finishMany. */
export interface StepFinish {
  ref: StepRef;
  outcome: StepOutcome;
}

type RecordedStatus = 'in_progress' | 'success' | 'failure' | 'skipped';

/**
 * Claiming, leasing, finishing and recovering runnable steps; every state change is a logged event. Each call
 * handles its steps as one StepBatch: a handful of statements per transaction, however many steps it holds
 * (docs/architecture.md#work-claiming).
 */
export class WorkClaims {
  constructor(private readonly deps: { unitOfWork: UnitOfWork; clock: Clock }) {}

  /** Claims up to `limit` runnable steps for `workerId`: each gets an in_progress event and a lease. */
  async claim(workerId: string, options: ClaimOptions): Promise<ClaimedStep[]> {
    return this.deps.unitOfWork.transaction(async (repos) => {
      const now = this.deps.clock.now();
      const locked = await repos.queue.lockRunnable(options.limit, now, options.stepNames ?? null);
      if (locked.length === 0) return [];
      const batch = await StepBatch.load(repos, filesOf(locked), now);
      const message = `Claimed by worker ${workerId}`;
      const applied = await batch.applyAll(
        locked.map((ref) => recordEvent(ref, 'in_progress', message, null, now, workerId)),
      );
      const leaseExpiresAt = new Date(now.getTime() + options.leaseMs);
      for (const ref of locked) batch.lease(ref, workerId, leaseExpiresAt);
      await batch.flush();
      return locked.map(({ fileId, stepName }, index) => ({
        fileId,
        stepName,
        file: batch.file(fileId),
        attempt: applied[index]?.step.attempts ?? 0,
        leaseExpiresAt,
      }));
    });
  }

  /** Extends the leases the worker still holds; returns those it still holds. */
  async renew(workerId: string, steps: readonly StepRef[], leaseMs: number): Promise<StepRef[]> {
    if (steps.length === 0) return [];
    return this.deps.unitOfWork.transaction((repos) =>
      repos.queue.renewLeases(workerId, steps, new Date(this.deps.clock.now().getTime() + leaseMs)),
    );
  }

  /** Records how a claimed step ended; LEASE_LOST when the worker no longer holds it (nothing is written). */
  async finish(workerId: string, ref: StepRef, outcome: StepOutcome): Promise<Result<AppliedEvent>> {
    return only(await this.finishMany(workerId, [{ ref, outcome }]));
  }

  /**
   * Records several outcomes in one transaction, each exactly as finish would, in order. A step the worker no
   * longer holds gets LEASE_LOST and nothing written, without failing the others.
   */
  async finishMany(workerId: string, finishes: readonly StepFinish[]): Promise<Result<AppliedEvent>[]> {
    if (finishes.length === 0) return [];
    return this.whileHeld(
      workerId,
      finishes.map(({ ref }) => ref),
      async (batch, ref, index) => {
        const outcome = finishes[index]?.outcome;
        if (outcome === undefined) throw new Error(`No outcome at ${index}.`);
        const { status } = outcome;
        // A handler's text comes from documents and libraries the worker does not control (storable-values).
        const message = outcome.message == null ? null : storableText(outcome.message);
        const detail = outcome.detail == null ? null : storableText(outcome.detail);
        const event = recordEvent(ref, status, message, detail, batch.now, workerId);
        const applied = await batch.apply(event);
        if (outcome.status !== 'failure' || outcome.retryAt === null) return applied;
        const retry = retryScheduledMessage(applied.step.attempts + 1, outcome.retryAt);
        return requeue(batch, ref, retry, outcome.retryAt, 'retry');
      },
    );
  }

  /** Gives a claimed step back (shutdown): a pending event, runnable again at once. */
  async release(workerId: string, ref: StepRef, reason: string): Promise<Result<AppliedEvent>> {
    const message = `Released by worker ${workerId}: ${reason}`;
    return only(await this.whileHeld(workerId, [ref], (batch) => requeue(batch, ref, message, batch.now)));
  }

  /**
   * Re-queues steps whose lease expired (their worker died), or fails them once `maxAttempts(stepName)` attempts
   * were made. The event names the lost worker. Returns how many steps were recovered.
   */
  async recoverExpired(limit: number, maxAttempts: (stepName: string) => number): Promise<number> {
    return this.deps.unitOfWork.transaction(async (repos) => {
      const now = this.deps.clock.now();
      const expired = await repos.queue.lockExpired(limit, now);
      if (expired.length === 0) return 0;
      const batch = await StepBatch.load(repos, filesOf(expired), now);
      for (const lease of expired) {
        const owner = lease.leaseOwner ?? 'unknown';
        if (lease.attempts >= maxAttempts(lease.stepName)) {
          const message = `Lease of worker ${owner} expired after attempt ${lease.attempts}; no attempts left`;
          await batch.apply({
            ...recordEvent(lease, 'failure', message, null, now, null),
            cause: 'lease_expired',
          });
        } else {
          await requeue(batch, lease, `Lease of worker ${owner} expired; re-queued`, now, 'lease_expired');
        }
      }
      await batch.flush();
      return expired.length;
    });
  }

  /** Runs `work` for each step the worker still holds, in order, in one transaction; LEASE_LOST for the others. */
  private async whileHeld<T>(
    workerId: string,
    refs: readonly StepRef[],
    work: (batch: StepBatch, ref: StepRef, index: number) => Promise<T>,
  ): Promise<Result<T>[]> {
    return this.deps.unitOfWork.transaction(async (repos) => {
      const files = await repos.files.lockMany(refs.map((ref) => ref.fileId));
      const batch = await StepBatch.load(repos, files, this.deps.clock.now());
      const results: Result<T>[] = [];
      for (const [index, ref] of refs.entries()) {
        // Checked against the batch's rows: a step finished earlier in this batch is no longer held either.
        const step = batch.step(ref);
        const held = step?.status === 'in_progress' && step.leaseOwner === workerId;
        results.push(held ? ok(await work(batch, ref, index)) : leaseLost(workerId, ref));
      }
      await batch.flush();
      return results;
    });
  }
}

function recordEvent(
  ref: StepRef,
  status: RecordedStatus,
  message: string | null,
  detail: string | null,
  now: Date,
  taskId: string | null,
): StepChange {
  const { fileId, stepName } = ref;
  return { fileId, stepName, status, occurredAt: now, message, detail, taskId, afterLastEvent: true };
}

function leaseLost(workerId: string, ref: StepRef): Result<never> {
  const { fileId, stepName } = ref;
  const message = `Worker ${workerId} no longer holds step ${stepName} of file ${fileId}.`;
  return err(domainError('LEASE_LOST', message, { fileId, stepName }));
}

/** The distinct files of locked steps. */
function filesOf(steps: readonly LockedStep[]): FileRecord[] {
  return [...new Map(steps.map((step) => [step.file.id, step.file])).values()];
}

function only<T>(results: readonly T[]): T {
  const [first] = results;
  if (first === undefined) throw new Error('Expected one result.');
  return first;
}
