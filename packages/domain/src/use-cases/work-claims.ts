import type { FileRecord } from '../files/file-record.js';
import type { Clock } from '../ports/clock.js';
import type { Repositories, UnitOfWork } from '../ports/unit-of-work.js';
import type { StepRef } from '../ports/work-queue.js';
import { domainError, err, ok, type Result } from '../result.js';
import { applyEvent, type AppliedEvent } from './apply-event.js';
import { requeue } from './requeue.js';

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

/** Claiming, leasing, finishing and recovering runnable steps; every state change is a logged event. */
export class WorkClaims {
  constructor(private readonly deps: { unitOfWork: UnitOfWork; clock: Clock }) {}

  /** Claims up to `limit` runnable steps for `workerId`: each gets an in_progress event and a lease. */
  async claim(workerId: string, options: ClaimOptions): Promise<ClaimedStep[]> {
    return this.deps.unitOfWork.transaction(async (repos) => {
      const now = this.deps.clock.now();
      const refs = await repos.queue.lockRunnable(options.limit, now, options.stepNames ?? null);
      const leaseExpiresAt = new Date(now.getTime() + options.leaseMs);
      const claimed: ClaimedStep[] = [];
      for (const ref of refs) {
        const file = await repos.files.lock(ref.fileId);
        if (file === null) continue;
        const applied = await this.record(
          repos,
          file,
          ref.stepName,
          'in_progress',
          `Claimed by worker ${workerId}`,
          null,
          now,
          workerId,
        );
        await repos.queue.setLease(ref, workerId, leaseExpiresAt);
        claimed.push({ ...ref, file, attempt: applied.step.attempts, leaseExpiresAt });
      }
      return claimed;
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
    return this.whileHeld(workerId, ref, async (repos, file, now) => {
      const detail = outcome.detail ?? null;
      const applied = await this.record(
        repos,
        file,
        ref.stepName,
        outcome.status,
        outcome.message ?? null,
        detail,
        now,
        workerId,
      );
      if (outcome.status === 'failure' && outcome.retryAt !== null) {
        const when = outcome.retryAt.toISOString();
        return requeue(
          repos,
          file,
          ref.stepName,
          `Retry ${applied.step.attempts + 1} scheduled for ${when}`,
          outcome.retryAt,
          now,
        );
      }
      return applied;
    });
  }

  /** Gives a claimed step back (shutdown): a pending event, runnable again at once. */
  async release(workerId: string, ref: StepRef, reason: string): Promise<Result<AppliedEvent>> {
    return this.whileHeld(workerId, ref, (repos, file, now) =>
      requeue(repos, file, ref.stepName, `Released by worker ${workerId}: ${reason}`, now, now),
    );
  }

  /**
   * Re-queues steps whose lease expired (their worker died), or fails them once `maxAttempts(stepName)` attempts
   * were made. The event names the lost worker. Returns how many steps were recovered.
   */
  async recoverExpired(limit: number, maxAttempts: (stepName: string) => number): Promise<number> {
    return this.deps.unitOfWork.transaction(async (repos) => {
      const now = this.deps.clock.now();
      const expired = await repos.queue.lockExpired(limit, now);
      for (const lease of expired) {
        const file = await repos.files.lock(lease.fileId);
        if (file === null) continue;
        const owner = lease.leaseOwner ?? 'unknown';
        if (lease.attempts >= maxAttempts(lease.stepName)) {
          const message = `Lease of worker ${owner} expired after attempt ${lease.attempts}; no attempts left`;
          await this.record(repos, file, lease.stepName, 'failure', message, null, now, null);
        } else {
          await requeue(repos, file, lease.stepName, `Lease of worker ${owner} expired; re-queued`, now, now);
        }
      }
      return expired.length;
    });
  }

  private async whileHeld<T>(
    workerId: string,
    ref: StepRef,
    work: (repos: Repositories, file: FileRecord, now: Date) => Promise<T>,
  ): Promise<Result<T>> {
    return this.deps.unitOfWork.transaction(async (repos) => {
      const file = await repos.files.lock(ref.fileId);
      const step = file === null ? null : await repos.steps.get(ref.fileId, ref.stepName);
      if (file === null || step === null || step.status !== 'in_progress' || step.leaseOwner !== workerId) {
        return err(
          domainError(
            'LEASE_LOST',
            `Worker ${workerId} no longer holds step ${ref.stepName} of file ${ref.fileId}.`,
            {
              ...ref,
            },
          ),
        );
      }
      return ok(await work(repos, file, this.deps.clock.now()));
    });
  }

  private record(
    repos: Repositories,
    file: FileRecord,
    stepName: string,
    status: 'in_progress' | 'success' | 'failure' | 'skipped',
    message: string | null,
    detail: string | null,
    now: Date,
    taskId: string | null,
  ): Promise<AppliedEvent> {
    return applyEvent(
      repos,
      file,
      { fileId: file.id, stepName, status, occurredAt: now, message, detail, taskId, afterLastEvent: true },
      now,
    );
  }
}
