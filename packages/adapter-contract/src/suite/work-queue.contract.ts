import type { FoldedStep, LockedStep, Repositories, StepRef, StepWrite } from '@steptrail/domain';
import { describe, expect, it } from 'vitest';
import type { ContractTopic } from './context.js';
import { at, EPOCH, newFile, uniqueTag } from './fixtures.js';
import { dateOf, iso, stepRowNamed } from './raw-rows.js';

const queueTime = (seconds: number) => at(seconds, EPOCH.queue);
const leaseTime = (seconds: number) => at(seconds, EPOCH.leases);

const running = (attempts: number): FoldedStep => ({
  status: 'in_progress',
  startedAt: at(0),
  completedAt: null,
  errorMessage: null,
  attempts,
  lastEvent: null,
});

const HOLD_TIMEOUT_MS = 10_000;

/** An in_progress step row held by `owner` until `expiresAt`. */
const leased = (ref: StepRef, attempts: number, owner: string, expiresAt: Date): StepWrite => ({
  ...ref,
  state: running(attempts),
  runAfter: null,
  lease: { owner, expiresAt },
});

/** The steps without their files, after checking each came with its own file row. */
const refsOf = <T extends LockedStep>(steps: readonly T[]): Array<Omit<T, 'file'>> =>
  steps.map(({ file, ...step }) => {
    expect(file.id).toBe(step.fileId);
    return step;
  });

export const workQueueTopic: ContractTopic = (context) => {
  const inTransaction = <T>(work: (repos: Repositories) => Promise<T>): Promise<T> =>
    context.store().unitOfWork.transaction(work);
  const { concurrentWriters, concurrencyNote } = context.backend.capabilities;

  describe('work queue', () => {
    it('lockRunnable returns only pending steps of managed files with runAfter <= now, earliest first', async () => {
      const tag = uniqueTag();
      const name = (suffix: string) => `${tag}_${suffix}`;
      const { managedId, unmanagedId } = await inTransaction(async (repos) => {
        const managed = await repos.files.create(newFile(tag, { managed: true }));
        const unmanaged = await repos.files.create(newFile(tag, { managed: false }));
        await repos.steps.createMissing(managed.id, [name('late')], queueTime(-10));
        await repos.steps.createMissing(managed.id, [name('early')], queueTime(-30));
        await repos.steps.createMissing(managed.id, [name('future')], queueTime(10));
        await repos.steps.createMissing(managed.id, [name('unscheduled')], null);
        await repos.steps.createMissing(managed.id, [name('done'), name('now')], queueTime(-20));
        await repos.steps.schedule(managed.id, name('now'), queueTime(0), true);
        await repos.steps.saveState(managed.id, name('done'), {
          ...running(1),
          status: 'success',
          completedAt: at(1),
        });
        await repos.steps.createMissing(unmanaged.id, [name('unmanaged')], queueTime(-40));
        return { managedId: managed.id, unmanagedId: unmanaged.id };
      });
      const mine = (steps: LockedStep[]) =>
        refsOf(steps).filter((ref) => ref.fileId === managedId || ref.fileId === unmanagedId);

      const all = await inTransaction((repos) => repos.queue.lockRunnable(1000, queueTime(0), null));
      expect(mine(all)).toEqual(
        [name('early'), name('late'), name('now')].map((stepName) => ({ fileId: managedId, stepName })),
      );
      const filtered = await inTransaction((repos) =>
        repos.queue.lockRunnable(10, queueTime(0), [
          name('late'),
          name('future'),
          name('done'),
          name('unmanaged'),
        ]),
      );
      expect(refsOf(filtered)).toEqual([{ fileId: managedId, stepName: name('late') }]);
      const limited = await inTransaction((repos) =>
        repos.queue.lockRunnable(1, queueTime(0), [name('now'), name('early')]),
      );
      expect(refsOf(limited)).toEqual([{ fileId: managedId, stepName: name('early') }]);
      expect(await inTransaction((repos) => repos.queue.lockRunnable(10, queueTime(0), []))).toEqual([]);
    });

    it('saveStates records a lease; renewLeases extends only the leases the owner still holds', async () => {
      const file = await context.store().reads.files.create(newFile(uniqueTag(), { managed: true }));
      const mine: StepRef = { fileId: file.id, stepName: 'hash_file' };
      const theirs: StepRef = { fileId: file.id, stepName: 'check_text' };
      const finished: StepRef = { fileId: file.id, stepName: 'extract_text' };
      await inTransaction(async (repos) => {
        await repos.steps.saveStates([
          leased(mine, 1, 'worker-a', at(30.5)),
          leased(theirs, 1, 'worker-b', at(30.5)),
          leased(finished, 1, 'worker-a', at(30.5)),
        ]);
        await repos.steps.saveState(file.id, finished.stepName, {
          ...running(1),
          status: 'success',
          completedAt: at(2),
        });
      });
      const leaseOf = async (stepName: string) => {
        const row = stepRowNamed(await context.raw().stepRows(file.id), stepName);
        return { owner: row.lease_owner, expiresAt: iso(dateOf(row, 'lease_expires_at')) };
      };
      expect(await leaseOf('hash_file')).toEqual({ owner: 'worker-a', expiresAt: at(30.5).toISOString() });

      const missing: StepRef = { fileId: file.id, stepName: 'embed_metadata_into_pdf' };
      const held = await inTransaction((repos) =>
        repos.queue.renewLeases('worker-a', [mine, theirs, finished, missing], at(90.25)),
      );
      expect(held).toEqual([mine]);
      expect(await leaseOf('hash_file')).toEqual({ owner: 'worker-a', expiresAt: at(90.25).toISOString() });
      expect(await leaseOf('check_text')).toEqual({ owner: 'worker-b', expiresAt: at(30.5).toISOString() });
      expect(await leaseOf('extract_text')).toEqual({ owner: null, expiresAt: null });
    });

    it('lockExpired returns in_progress steps whose lease expired before now, with owner and attempts', async () => {
      const file = await context.store().reads.files.create(newFile(uniqueTag(), { managed: true }));
      await inTransaction(async (repos) => {
        const lease = async (stepName: string, attempts: number, expiresAt: Date) => {
          await repos.steps.saveStates([
            leased({ fileId: file.id, stepName }, attempts, `owner-of-${stepName}`, expiresAt),
          ]);
        };
        await lease('hash_file', 2, leaseTime(-5));
        await lease('check_text', 1, leaseTime(5));
        await lease('extract_text', 1, leaseTime(0));
        await lease('check_for_duplicates', 1, leaseTime(-50));
        await repos.steps.saveState(file.id, 'check_for_duplicates', {
          ...running(1),
          status: 'failure',
          completedAt: at(1),
        });
      });

      const expired = await inTransaction((repos) => repos.queue.lockExpired(1000, leaseTime(0)));
      expect(refsOf(expired).filter((lease) => lease.fileId === file.id)).toEqual([
        { fileId: file.id, stepName: 'hash_file', leaseOwner: 'owner-of-hash_file', attempts: 2 },
      ]);
    });

    it.skipIf(!concurrentWriters)(
      `lockRunnable skips steps another open transaction holds instead of waiting for them${concurrentWriters ? '' : ` (skipped on ${context.backend.name}: ${concurrencyNote})`}`,
      async () => {
        const tag = uniqueTag();
        const names = [`${tag}_first`, `${tag}_second`];
        const fileIds = await inTransaction(async (repos) => {
          const ids: number[] = [];
          for (const [index, stepName] of names.entries()) {
            const file = await repos.files.create(newFile(tag, { managed: true }));
            await repos.steps.createMissing(file.id, [stepName], at(index));
            ids.push(file.id);
          }
          return ids;
        });
        let releaseHolder: () => void = () => undefined;
        const otherDone = new Promise<void>((resolve) => (releaseHolder = resolve));
        let signalHeld: () => void = () => undefined;
        const held = new Promise<void>((resolve) => (signalHeld = resolve));

        const holder = inTransaction(async (repos) => {
          const refs = await repos.queue.lockRunnable(1, at(10), names);
          signalHeld();
          // Never wait forever: a blocking backend fails the assertion below instead of hanging the suite.
          await Promise.race([otherDone, new Promise((resolve) => setTimeout(resolve, HOLD_TIMEOUT_MS))]);
          return refs;
        });
        // A holder that fails before holding anything fails the test instead of leaving it waiting.
        await Promise.race([held, holder]);
        const other = await context
          .secondStore()
          .unitOfWork.transaction((repos) => repos.queue.lockRunnable(10, at(10), names))
          .finally(() => releaseHolder());

        expect(refsOf(await holder)).toEqual([{ fileId: fileIds[0], stepName: names[0] }]);
        expect(refsOf(other)).toEqual([{ fileId: fileIds[1], stepName: names[1] }]);
      },
      HOLD_TIMEOUT_MS * 3,
    );
  });
};
