import type { Clock } from '../ports/clock.js';
import type { StepRef } from '../ports/work-queue.js';
import type { StuckCandidate } from '../ports/stall-store.js';
import type { Repositories, UnitOfWork } from '../ports/unit-of-work.js';
import { domainError, err, ok, type Result } from '../result.js';
import {
  ageingAfterMs,
  formatDuration,
  shortestStallWindowMs,
  stallWindowMs,
  type StallPolicy,
} from '../stall/stall-policy.js';
import { withLockedFile } from './locked-file.js';
import { StepBatch } from './step-batch.js';

/** A step the sweep failed: when it last showed a sign of life, and whose. */
export interface StalledStep extends StepRef {
  since: Date;
  lastTouchedBy: string | null;
  windowMs: number;
}

/** A step listed as stuck (docs/architecture.md#stalls). */
export interface StuckStep extends StepRef {
  /**
   * `stalled`: in progress and silent past its window (the sweep fails it); `silent`: in progress and silent past
   * the ageing share of its window; `unclaimed`: runnable and waiting for a worker past the threshold.
   */
  reason: 'stalled' | 'silent' | 'unclaimed';
  /** `stalled` is failed by the sweep; `ageing` (silent, unclaimed) is only listed, never failed for it. */
  state: 'stalled' | 'ageing';
  since: Date;
  ageMs: number;
  /** The stall window (stalled, silent: when it will fail) or the unclaimed threshold that it passed. */
  limitMs: number;
  lastTouchedBy: string | null;
  attempts: number;
}

export interface StuckPage {
  items: StuckStep[];
  /** The cursor for the next page (the last step looked at), or null on the last page. */
  next: StepRef | null;
}

/**
 * Stall detection for every in-progress step that no worker leases (steptrail's own leases keep their rules):
 * heartbeats, the sweep that fails steps silent past their window, and the listing of stuck work
 * (docs/architecture.md#stalls).
 */
export class StallWatch {
  constructor(
    private readonly deps: { unitOfWork: UnitOfWork; reads: Repositories; clock: Clock; policy: StallPolicy },
  ) {}

  /** Records that `taskId` is still working on an in-progress step; CONFLICT when the step is not in progress. */
  async heartbeat(ref: StepRef, taskId: string | null): Promise<Result<{ at: Date }>> {
    return withLockedFile(this.deps.unitOfWork, ref.fileId, async (repos) => {
      const at = this.deps.clock.now();
      if (await repos.stalls.heartbeat(ref, at, taskId)) return ok({ at });
      const step = await repos.steps.get(ref.fileId, ref.stepName);
      if (step === null) {
        const message = `File ${ref.fileId} has no step ${ref.stepName}.`;
        return err(domainError('STEP_NOT_FOUND', message, { ...ref }));
      }
      const message = `Step ${ref.stepName} of file ${ref.fileId} is ${step.status}; only a step in progress takes heartbeats.`;
      return err(domainError('CONFLICT', message, { ...ref, status: step.status }));
    });
  }

  /**
   * Fails, each with a history row, the steps silent past their window; at most `limit` per call. Rows another
   * transaction holds are skipped, so sweepers running at once never fail a step twice.
   */
  async sweep(limit = 100): Promise<StalledStep[]> {
    const { policy } = this.deps;
    return this.deps.unitOfWork.transaction(async (repos) => {
      const now = this.deps.clock.now();
      const silentSince = new Date(now.getTime() - shortestStallWindowMs(policy));
      const silent = await repos.stalls.lockSilent(limit, silentSince);
      const stalled = silent.flatMap((step) => {
        const windowMs = stallWindowMs(policy, step.file.workflow.name, step.stepName);
        if (now.getTime() - step.since.getTime() < windowMs) return [];
        const { fileId, stepName, since, lastTouchedBy } = step;
        return [{ fileId, stepName, since, lastTouchedBy, windowMs }];
      });
      if (stalled.length === 0) return [];
      const files = [...new Map(silent.map((step) => [step.file.id, step.file])).values()];
      const batch = await StepBatch.load(repos, files, now);
      await batch.applyAll(
        stalled.map((step) => ({
          fileId: step.fileId,
          stepName: step.stepName,
          status: 'failure' as const,
          occurredAt: now,
          message: stallMessage(step, now),
          detail: null,
          taskId: null,
          afterLastEvent: true,
          cause: 'stalled' as const,
        })),
      );
      await batch.flush();
      return stalled;
    });
  }

  /**
   * Stalled steps and ageing ones (silent past the ageing share of their window, or unclaimed past the threshold),
   * by file id and step name after `after`; a page may hold fewer than `limit`.
   */
  async listStuck(after: StepRef | null, limit: number): Promise<StuckPage> {
    const { policy, clock } = this.deps;
    const now = clock.now();
    const candidates = await this.deps.reads.stalls.listStuck({
      silentSince: new Date(now.getTime() - ageingAfterMs(policy, shortestStallWindowMs(policy))),
      unclaimedSince: new Date(now.getTime() - policy.unclaimedAfterMs),
      after,
      limit,
    });
    const items = candidates.flatMap((candidate) => stuckStep(candidate, policy, now));
    const last = candidates.at(-1);
    const next =
      candidates.length < limit || last === undefined
        ? null
        : { fileId: last.fileId, stepName: last.stepName };
    return { items, next };
  }
}

/** The listing of a candidate: stalled past its window, ageing past its share of it or unclaimed, or nothing yet. */
function stuckStep(candidate: StuckCandidate, policy: StallPolicy, now: Date): StuckStep[] {
  const ageMs = now.getTime() - candidate.since.getTime();
  const { fileId, stepName, since, lastTouchedBy, attempts } = candidate;
  const base = { fileId, stepName, since, ageMs, lastTouchedBy, attempts };
  if (candidate.kind === 'unclaimed') {
    const limitMs = policy.unclaimedAfterMs;
    return ageMs < limitMs ? [] : [{ ...base, reason: 'unclaimed', state: 'ageing', limitMs }];
  }
  const limitMs = stallWindowMs(policy, candidate.workflowName, candidate.stepName);
  if (ageMs >= limitMs) return [{ ...base, reason: 'stalled', state: 'stalled', limitMs }];
  if (ageMs >= ageingAfterMs(policy, limitMs))
    return [{ ...base, reason: 'silent', state: 'ageing', limitMs }];
  return [];
}

/** The history row of a stall: since when, how long, and who last touched the step. */
function stallMessage(step: StalledStep, now: Date): string {
  const silence = formatDuration(now.getTime() - step.since.getTime());
  const who = step.lastTouchedBy === null ? 'no task id' : `task ${step.lastTouchedBy}`;
  return (
    `Stalled: no event or heartbeat since ${step.since.toISOString()} (${silence}, stall window ` +
    `${formatDuration(step.windowMs)}); last touched by ${who}. Retry to run it again.`
  );
}
