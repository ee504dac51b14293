import type { StepRef } from '@steptrail/domain';
import { describe, expect, it } from 'vitest';
import type { ContractTopic } from './context.js';
import {
  at,
  EPOCH,
  errorCode,
  ManualClock,
  newFile,
  uniqueTag,
  unwrap,
  useCases,
  workflowOf,
} from './fixtures.js';
import {
  dateOf,
  iso,
  orderedLogs,
  rollupView,
  stepRowNamed,
  stepView,
  storedFile,
  textOf,
} from './raw-rows.js';

const LEASE_MS = 30_000;

export const workClaimsTopic: ContractTopic = (context) => {
  /** A managed file whose own two-step workflow makes its first step runnable now; only this test claims it. */
  const claimableFile = async (clock: ManualClock) => {
    const tag = uniqueTag();
    const steps = [`${tag}_first`, `${tag}_second`] as const;
    const { tracker, claims } = useCases(context.store(), clock);
    const file = await tracker.registerFile(
      newFile(tag, { managed: true, workflow: workflowOf('claims', steps) }),
    );
    const ref: StepRef = { fileId: file.id, stepName: steps[0] };
    return {
      file,
      steps,
      ref,
      tracker,
      claims,
      claimOptions: { limit: 10, leaseMs: LEASE_MS, stepNames: [...steps] },
    };
  };
  const rowOf = async (ref: StepRef) => stepRowNamed(await context.raw().stepRows(ref.fileId), ref.stepName);

  describe('work claims through the backend', () => {
    it('claim takes a runnable step with an in_progress event and a lease, and nobody can claim it twice', async () => {
      const clock = new ManualClock(at(0));
      const { file, ref, claims, claimOptions } = await claimableFile(clock);
      clock.set(at(1.5));

      const claimed = await claims.claim('worker-a', claimOptions);
      expect(claimed.map(({ fileId, stepName, attempt }) => ({ fileId, stepName, attempt }))).toEqual([
        { ...ref, attempt: 1 },
      ]);
      expect(claimed[0]?.leaseExpiresAt.toISOString()).toBe(at(1.5 + LEASE_MS / 1000).toISOString());
      const row = await rowOf(ref);
      expect(stepView(row)).toMatchObject({
        status: 'in_progress',
        startedAt: at(1.5).toISOString(),
        attempts: 1,
      });
      expect(textOf(row, 'lease_owner')).toBe('worker-a');
      expect(iso(dateOf(row, 'lease_expires_at'))).toBe(at(1.5 + LEASE_MS / 1000).toISOString());
      const logs = await orderedLogs(context.raw(), file.id);
      expect(logs.map(({ stepName, status, taskId }) => ({ stepName, status, taskId }))).toEqual([
        { stepName: ref.stepName, status: 'in_progress', taskId: 'worker-a' },
      ]);
      expect(logs[0]?.message).toContain('worker-a');
      expect(await claims.claim('worker-b', claimOptions)).toEqual([]);
    });

    it('renew extends the leases a worker holds and returns nothing for a worker that holds none', async () => {
      const clock = new ManualClock(at(0));
      const { ref, claims, claimOptions } = await claimableFile(clock);
      await claims.claim('worker-a', claimOptions);
      clock.set(at(20));

      expect(await claims.renew('worker-a', [ref], LEASE_MS)).toEqual([ref]);
      expect(iso(dateOf(await rowOf(ref), 'lease_expires_at'))).toBe(at(20 + LEASE_MS / 1000).toISOString());
      expect(await claims.renew('worker-b', [ref], LEASE_MS)).toEqual([]);
    });

    it('finish with success drops the lease, records the outcome and makes the next workflow step runnable', async () => {
      const clock = new ManualClock(at(0));
      const { file, steps, ref, claims, claimOptions } = await claimableFile(clock);
      await claims.claim('worker-a', claimOptions);
      clock.set(at(4));

      const applied = unwrap(await claims.finish('worker-a', ref, { status: 'success', message: 'done' }));
      expect(applied.scheduled).toBe(steps[1]);
      expect(await rowOf(ref)).toMatchObject({
        status: 'success',
        lease_owner: null,
        lease_expires_at: null,
      });
      expect(iso(dateOf(await rowOf({ fileId: file.id, stepName: steps[1] }), 'run_after'))).toBe(
        at(4).toISOString(),
      );
      const next = await claims.claim('worker-b', claimOptions);
      expect(next.map(({ stepName, attempt }) => ({ stepName, attempt }))).toEqual([
        { stepName: steps[1], attempt: 1 },
      ]);
    });

    it('finish with a failure and a retry time re-queues the step, runnable again only at that time', async () => {
      const clock = new ManualClock(at(0));
      const { file, ref, claims, claimOptions } = await claimableFile(clock);
      await claims.claim('worker-a', claimOptions);
      clock.set(at(3));

      unwrap(
        await claims.finish('worker-a', ref, { status: 'failure', message: 'timeout', retryAt: at(63) }),
      );
      const row = await rowOf(ref);
      expect(stepView(row)).toMatchObject({ status: 'pending', errorMessage: 'timeout', attempts: 1 });
      expect(row).toMatchObject({ lease_owner: null, lease_expires_at: null });
      expect(iso(dateOf(row, 'run_after'))).toBe(at(63).toISOString());
      expect((await orderedLogs(context.raw(), file.id)).map((log) => log.status)).toEqual([
        'in_progress',
        'failure',
        'pending',
      ]);
      expect(rollupView(await storedFile(context.raw(), file.id)).status).toBe('processing');

      clock.set(at(62));
      expect(await claims.claim('worker-b', claimOptions)).toEqual([]);
      clock.set(at(63));
      expect((await claims.claim('worker-b', claimOptions)).map((claim) => claim.attempt)).toEqual([2]);
    });

    it('finish and release by a worker that does not hold the step answer LEASE_LOST and write nothing', async () => {
      const clock = new ManualClock(at(0));
      const { file, ref, claims, claimOptions } = await claimableFile(clock);
      await claims.claim('worker-a', claimOptions);
      const logsBefore = await context.raw().logRows(file.id);
      const rowBefore = await rowOf(ref);

      expect(errorCode(await claims.finish('worker-b', ref, { status: 'success' }))).toBe('LEASE_LOST');
      expect(errorCode(await claims.release('worker-b', ref, 'shutdown'))).toBe('LEASE_LOST');
      expect(
        errorCode(
          await claims.finish('worker-a', { ...ref, stepName: 'no_such_step' }, { status: 'success' }),
        ),
      ).toBe('LEASE_LOST');
      expect(await context.raw().logRows(file.id)).toEqual(logsBefore);
      expect(await rowOf(ref)).toEqual(rowBefore);
    });

    it('release gives the step back with a pending event, runnable again at once', async () => {
      const clock = new ManualClock(at(0));
      const { file, ref, claims, claimOptions } = await claimableFile(clock);
      await claims.claim('worker-a', claimOptions);
      clock.set(at(9));

      unwrap(await claims.release('worker-a', ref, 'shutting down'));
      const row = await rowOf(ref);
      expect(row).toMatchObject({
        status: 'pending',
        lease_owner: null,
        lease_expires_at: null,
        attempts: 1,
      });
      expect(iso(dateOf(row, 'run_after'))).toBe(at(9).toISOString());
      const last = (await orderedLogs(context.raw(), file.id)).at(-1);
      expect(last).toMatchObject({ status: 'pending', stepName: ref.stepName });
      expect(last?.message).toContain('shutting down');
      expect((await claims.claim('worker-b', claimOptions)).map((claim) => claim.attempt)).toEqual([2]);
    });

    it('recoverExpired re-queues an expired lease with an event naming the lost worker, and fails it once attempts run out', async () => {
      const clock = new ManualClock(at(0, EPOCH.recovery));
      const retried = await claimableFile(clock);
      const exhausted = await claimableFile(clock);
      await retried.claims.claim('worker-lost', { ...retried.claimOptions, leaseMs: 1000 });
      await exhausted.claims.claim('worker-gone', { ...exhausted.claimOptions, leaseMs: 1000 });
      clock.set(at(5, EPOCH.recovery));
      const maxAttempts = (stepName: string) => (stepName === exhausted.ref.stepName ? 1 : 3);

      expect(await retried.claims.recoverExpired(1000, maxAttempts)).toBeGreaterThanOrEqual(2);
      const requeued = await rowOf(retried.ref);
      expect(requeued).toMatchObject({
        status: 'pending',
        lease_owner: null,
        lease_expires_at: null,
        attempts: 1,
      });
      expect(iso(dateOf(requeued, 'run_after'))).toBe(at(5, EPOCH.recovery).toISOString());
      const requeueLog = (await orderedLogs(context.raw(), retried.file.id)).at(-1);
      expect(requeueLog).toMatchObject({ status: 'pending', occurredAt: at(5, EPOCH.recovery) });
      expect(requeueLog?.message).toContain('worker-lost');
      const failed = await rowOf(exhausted.ref);
      expect(stepView(failed)).toMatchObject({ status: 'failure', attempts: 1 });
      expect(textOf(failed, 'error_message')).toContain('worker-gone');
      expect(failed).toMatchObject({ lease_owner: null, lease_expires_at: null });
      expect(rollupView(await storedFile(context.raw(), exhausted.file.id)).status).toBe('failed');
      const settled = [await rowOf(retried.ref), await rowOf(exhausted.ref)];
      await retried.claims.recoverExpired(1000, maxAttempts);
      expect([await rowOf(retried.ref), await rowOf(exhausted.ref)]).toEqual(settled);
    });
  });
};
