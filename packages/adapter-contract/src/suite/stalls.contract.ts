import { DEFAULT_STALL_POLICY, StallWatch, type Store } from '@steptrail/domain';
import { describe, expect, it } from 'vitest';
import type { ContractTopic } from './context.js';
import { at, EPOCH, ManualClock, newFile, uniqueTag, unwrap, useCases } from './fixtures.js';
import { orderedLogs, stepRowNamed, textOf } from './raw-rows.js';

const MINUTE = 60_000;
/** Ten minutes by default; `extract_text` gets twenty, and in workflow `slow` every step an hour. */
const POLICY = {
  ...DEFAULT_STALL_POLICY,
  stepWindowsMs: { extract_text: 20 * MINUTE },
  workflowWindowsMs: { slow: { '*': 60 * MINUTE } },
};
const YEAR = 365 * 24 * 60 * MINUTE;
let tests = 0;
/**
 * Each test runs a year before the one before it, so a sweep never reaches the steps an earlier test left in
 * progress (their last touch is later than its window); they are all before every other topic's epoch.
 */
let when = (seconds: number) => at(seconds, EPOCH.stalls);
const ownEpoch = () => {
  tests += 1;
  const epoch = EPOCH.stalls - tests * YEAR;
  when = (seconds: number) => at(seconds, epoch);
};

/** docs/architecture.md#stalls, as stored by every backend. */
export const stallsTopic: ContractTopic = (context) => {
  const watch = (store: Store, clock: ManualClock) =>
    new StallWatch({ unitOfWork: store.unitOfWork, reads: store.reads, clock, policy: POLICY });
  const setup = async () => {
    ownEpoch();
    const clock = new ManualClock(when(0));
    const cases = useCases(context.store(), clock);
    const file = await cases.tracker.registerFile(newFile(uniqueTag()));
    unwrap(await cases.tracker.updateStepStatus(file.id, 'hash_file', 'in_progress', { taskId: 'celery-7' }));
    return { clock, cases, file, stalls: watch(context.store(), clock) };
  };
  /** Fails what this test left in progress, so a later run on the same database finds nothing of it to sweep. */
  const leaveNothingInProgress = () => watch(context.store(), new ManualClock(when(24 * 3600))).sweep(1000);
  const stepOf = async (fileId: number, stepName = 'hash_file') =>
    stepRowNamed(await context.raw().stepRows(fileId), stepName);

  describe('stalls', () => {
    it('an external step silent past its window fails once, with a history row saying since when and who', async () => {
      const { clock, file, stalls } = await setup();
      clock.set(when(10 * 60 - 1));
      expect(await stalls.sweep()).toEqual([]);
      expect(textOf(await stepOf(file.id), 'status')).toBe('in_progress');
      clock.set(when(10 * 60));
      const stalled = await stalls.sweep();
      expect(stalled).toEqual([
        {
          fileId: file.id,
          stepName: 'hash_file',
          since: when(0),
          lastTouchedBy: 'celery-7',
          windowMs: 10 * MINUTE,
        },
      ]);
      expect(textOf(await stepOf(file.id), 'status')).toBe('failure');
      const logs = await orderedLogs(context.raw(), file.id);
      expect(logs.at(-1)).toMatchObject({ status: 'failure', occurredAt: when(600) });
      expect(logs.at(-1)?.message).toBe(
        `Stalled: no event or heartbeat since ${when(0).toISOString()} (10m, stall window 10m); ` +
          'last touched by task celery-7. Retry to run it again.',
      );
      expect(await stalls.sweep()).toEqual([]);
      const { tracker } = useCases(context.store(), clock);
      expect(unwrap(await tracker.retryFailedSteps(file.id))).toEqual(['hash_file']);
    });

    it('a heartbeat keeps a step alive for another window and is named as the last touch', async () => {
      const { clock, file, stalls } = await setup();
      clock.set(when(9 * 60));
      expect(unwrap(await stalls.heartbeat({ fileId: file.id, stepName: 'hash_file' }, 'runner-2'))).toEqual({
        at: when(540),
      });
      clock.set(when(15 * 60));
      expect(await stalls.sweep()).toEqual([]);
      expect(textOf(await stepOf(file.id), 'status')).toBe('in_progress');
      clock.set(when(19 * 60));
      expect(await stalls.sweep()).toMatchObject([{ since: when(540), lastTouchedBy: 'runner-2' }]);
      expect((await orderedLogs(context.raw(), file.id)).map((log) => log.status)).toEqual([
        'in_progress',
        'failure',
      ]);
    });

    it('a heartbeat on a step that is not in progress is refused and writes nothing', async () => {
      const { file, stalls } = await setup();
      const other = await useCases(context.store(), new ManualClock(when(0))).tracker.registerFile(
        newFile(uniqueTag()),
      );
      const refused = await stalls.heartbeat({ fileId: other.id, stepName: 'hash_file' }, null);
      expect(refused.ok ? null : refused.error.code).toBe('CONFLICT');
      const missing = await stalls.heartbeat({ fileId: file.id, stepName: 'no_such_step' }, null);
      expect(missing.ok ? null : missing.error.code).toBe('STEP_NOT_FOUND');
      await leaveNothingInProgress();
    });

    it('windows are per step and per workflow', async () => {
      const { clock, cases, file, stalls } = await setup();
      unwrap(await cases.tracker.updateStepStatus(file.id, 'extract_text', 'in_progress'));
      const slow = await cases.tracker.registerFile(
        newFile(uniqueTag(), { workflow: { name: 'slow', steps: ['hash_file'] } }),
      );
      unwrap(await cases.tracker.updateStepStatus(slow.id, 'hash_file', 'in_progress'));
      clock.set(when(15 * 60));
      expect((await stalls.sweep()).map((step) => [step.fileId, step.stepName])).toEqual([
        [file.id, 'hash_file'],
      ]);
      clock.set(when(25 * 60));
      expect((await stalls.sweep()).map((step) => [step.fileId, step.stepName])).toEqual([
        [file.id, 'extract_text'],
      ]);
      clock.set(when(60 * 60));
      expect((await stalls.sweep()).map((step) => step.fileId)).toEqual([slow.id]);
    });

    it('two sweepers at once write exactly one failure row per stalled step', async () => {
      const { clock, file } = await setup();
      clock.set(when(11 * 60));
      const [first, second] = await Promise.all([
        watch(context.store(), clock).sweep(),
        watch(context.secondStore(), clock).sweep(),
      ]);
      expect([...(first ?? []), ...(second ?? [])].map((step) => step.fileId)).toEqual([file.id]);
      const failures = (await orderedLogs(context.raw(), file.id)).filter((log) => log.status === 'failure');
      expect(failures).toHaveLength(1);
    });

    it('lists stalled steps and runnable steps nobody claimed, with reason, age and keyset pages', async () => {
      const { clock, cases, file, stalls } = await setup();
      const managed = await cases.tracker.registerFile(newFile(uniqueTag(), { managed: true }));
      clock.set(when(30 * 60));
      const first = await stalls.listStuck(null, 1);
      expect(first.items).toEqual([
        {
          fileId: file.id,
          stepName: 'hash_file',
          state: 'stalled',
          reason: 'stalled',
          since: when(0),
          ageMs: 30 * MINUTE,
          limitMs: 10 * MINUTE,
          lastTouchedBy: 'celery-7',
          attempts: 1,
        },
      ]);
      const second = await stalls.listStuck(first.next, 10);
      expect(second.items).toMatchObject([
        {
          fileId: managed.id,
          stepName: 'hash_file',
          state: 'ageing',
          reason: 'unclaimed',
          since: when(0),
          attempts: 0,
        },
      ]);
      expect(second.next).toBeNull();
      // Leaves nothing runnable behind for the work-queue tests of a later run on the same database.
      unwrap(await cases.tracker.updateStepStatus(managed.id, 'hash_file', 'skipped', { message: 'done' }));
      await leaveNothingInProgress();
    });

    it('lists a step silent past the ageing share of its own window as ageing, never fails it for that', async () => {
      const { clock, cases, file, stalls } = await setup();
      unwrap(
        await cases.tracker.updateStepStatus(file.id, 'extract_text', 'in_progress', { taskId: 'celery-8' }),
      );
      const slow = await cases.tracker.registerFile(
        newFile(uniqueTag(), { workflow: { name: 'slow', steps: ['hash_file'] } }),
      );
      unwrap(await cases.tracker.updateStepStatus(slow.id, 'hash_file', 'in_progress'));
      const mine = async (watcher: StallWatch) =>
        (await watcher.listStuck(null, 500)).items.filter((item) => [file.id, slow.id].includes(item.fileId));
      // Silent 4:59 of 10 minutes, 20 and an hour: nothing yet.
      clock.set(when(5 * 60 - 1));
      expect(await mine(stalls)).toEqual([]);
      // Half of hash_file's 10 minutes: ageing; extract_text (20) and the slow workflow (60) not yet.
      clock.set(when(5 * 60));
      expect(await mine(stalls)).toEqual([
        {
          fileId: file.id,
          stepName: 'hash_file',
          state: 'ageing',
          reason: 'silent',
          since: when(0),
          ageMs: 5 * MINUTE,
          limitMs: 10 * MINUTE,
          lastTouchedBy: 'celery-7',
          attempts: 1,
        },
      ]);
      expect(await stalls.sweep()).toEqual([]);
      clock.set(when(12 * 60));
      expect(
        (await mine(stalls)).map((item) => [item.fileId, item.stepName, item.state, item.reason]),
      ).toEqual([
        [file.id, 'extract_text', 'ageing', 'silent'],
        [file.id, 'hash_file', 'stalled', 'stalled'],
      ]);
      clock.set(when(30 * 60));
      expect((await mine(stalls)).map((item) => [item.fileId, item.stepName, item.reason])).toEqual([
        [file.id, 'extract_text', 'stalled'],
        [file.id, 'hash_file', 'stalled'],
        [slow.id, 'hash_file', 'silent'],
      ]);
      // The share is configurable: at 100 % a step is listed only once it stalled.
      const strict = new StallWatch({
        unitOfWork: context.store().unitOfWork,
        reads: context.store().reads,
        clock,
        policy: { ...POLICY, ageingPercent: 100 },
      });
      expect((await mine(strict)).map((item) => [item.fileId, item.reason])).toEqual([
        [file.id, 'stalled'],
        [file.id, 'stalled'],
      ]);
      await leaveNothingInProgress();
    });
  });
};
