import { LogRetention, type LogDeletion } from '@steptrail/domain';
import { describe, expect, it } from 'vitest';
import type { ContractTopic } from './context.js';
import {
  at,
  EPOCH,
  ManualClock,
  newestFileId,
  newFile,
  uniqueTag,
  unwrap,
  useCases,
  workflowOf,
} from './fixtures.js';
import { rawSnapshot } from './raw-rows.js';

const ONE_STEP = workflowOf('retention', ['hash_file']);
const old = (seconds: number) => at(seconds, EPOCH.retention);
const CUTOFF = old(100);
const LATER = old(200);

/** Repeats a bounded delete (one row at a time, to cross the bounds) until nothing is left; the rows deleted. */
async function drain(step: (afterLogId: number) => Promise<LogDeletion>): Promise<number> {
  let deleted = 0;
  for (let after = 0; ;) {
    const result = await step(after);
    if (result.lastLogId === null) return deleted;
    deleted += result.deleted;
    after = result.lastLogId;
  }
}

export const logRetentionTopic: ContractTopic = (context) => {
  const setup = () => {
    const clock = new ManualClock(old(0));
    const store = context.store();
    const retention = new LogRetention({ unitOfWork: store.unitOfWork, reads: store.reads }, CUTOFF);
    return { clock, retention, ...useCases(store, clock) };
  };
  type Setup = ReturnType<typeof setup>;

  /** A one-step file whose step ran (in_progress at 1 s, then `last` at 2 s): two old log rows, a folded row. */
  const ranFile = async ({ tracker, clock }: Setup, last: 'success' | 'in_progress') => {
    clock.set(old(0));
    const file = await tracker.registerFile(newFile(uniqueTag(), { workflow: ONE_STEP }));
    unwrap(await tracker.updateStepStatus(file.id, 'hash_file', 'in_progress', { occurredAt: old(1) }));
    if (last !== 'in_progress')
      unwrap(await tracker.updateStepStatus(file.id, 'hash_file', last, { occurredAt: old(2) }));
    return file.id;
  };

  /** A file DocuElevate wrote: old log rows and, optionally, a step row steptrail never folded. */
  const legacyFile = async (stepStatus: string | null) => {
    const raw = context.raw();
    const fileId = await raw.insertLegacyFile({ filehash: `hash-${uniqueTag()}` });
    await raw.insertLegacyLogs([{ fileId, stepName: 'hash_file', status: 'success', timestamp: old(3) }]);
    if (stepStatus !== null) await raw.insertLegacyStep(fileId, 'hash_file', stepStatus);
    return fileId;
  };

  describe('log retention through the backend', () => {
    it('classifies files by the retention rule: only finished, folded files without newer history may lose it', async () => {
      const cases = setup();
      const before = await newestFileId(context.store());
      const prunable = await ranFile(cases, 'success');
      await ranFile(cases, 'in_progress');
      await legacyFile('SUCCESS');
      await legacyFile(null);
      const newer = await ranFile(cases, 'success');
      unwrap(await cases.tracker.logEvent(newer, { message: 'looked at again', occurredAt: LATER }));
      cases.clock.set(LATER);
      const recent = await cases.tracker.registerFile(newFile(uniqueTag(), { workflow: ONE_STEP }));
      unwrap(await cases.tracker.updateStepStatus(recent.id, 'hash_file', 'success'));

      expect(await cases.retention.highestFileId()).toBe(recent.id);
      expect(await cases.retention.classifyFiles(before, 100)).toEqual({
        prunable: [{ fileId: prunable, logRows: 2 }],
        kept: { unfinishedSteps: 1, notRebuiltFromLogs: 1, noStepRows: 1, newerHistory: 1 },
        lastFileId: recent.id,
      });
    });

    it('deletes the old history of the files it is given only where the rule still holds, and never a step row', async () => {
      const cases = setup();
      const prunable = await ranFile(cases, 'success');
      const restarted = await ranFile(cases, 'success');
      const running = await ranFile(cases, 'in_progress');
      const chunk = await cases.retention.classifyFiles(prunable - 1, 3);
      expect(chunk.prunable.map((file) => file.fileId)).toEqual([prunable, restarted]);
      // Started again after it was classified: its history is needed again and must stay.
      unwrap(
        await cases.tracker.updateStepStatus(restarted, 'hash_file', 'in_progress', { occurredAt: old(5) }),
      );
      const kept = await Promise.all([restarted, running].map((id) => rawSnapshot(context.raw(), id)));
      const steps = (await rawSnapshot(context.raw(), prunable)).steps;

      const ids = [prunable, restarted, running];
      expect(await drain((after) => cases.retention.deleteFileLogs(ids, after, 1))).toBe(2);

      expect(await rawSnapshot(context.raw(), prunable)).toMatchObject({ logs: [], steps });
      expect(await Promise.all([restarted, running].map((id) => rawSnapshot(context.raw(), id)))).toEqual(
        kept,
      );
    });

    it('counts and deletes old task-level rows and old rows of deleted files, nothing newer', async () => {
      const cases = setup();
      const taskLevel = await cases.retention.countTaskLevel();
      const ofDeleted = await cases.retention.countOfDeletedFiles();
      unwrap(await cases.tracker.logEvent(null, { message: 'nightly run', occurredAt: old(4) }));
      unwrap(await cases.tracker.logEvent(null, { message: 'nightly run', occurredAt: LATER }));
      const gone = await ranFile(cases, 'success');
      unwrap(await cases.tracker.logEvent(gone, { message: 'kept for later', occurredAt: LATER }));
      // A newer file keeps the deleted one's id from being reused (SQLite hands out the highest id + 1 again).
      await cases.tracker.registerFile(newFile(uniqueTag(), { workflow: ONE_STEP }));
      unwrap(await cases.tracker.deleteFile(gone));
      expect(await cases.retention.countTaskLevel()).toBe(taskLevel + 1);
      expect(await cases.retention.countOfDeletedFiles()).toBe(ofDeleted + 2);

      expect(await drain((after) => cases.retention.deleteTaskLevel(after, 1))).toBe(taskLevel + 1);
      expect(await drain((after) => cases.retention.deleteOfDeletedFiles(after, 1))).toBe(ofDeleted + 2);
      expect(await cases.retention.countTaskLevel()).toBe(0);
      expect(await cases.retention.countOfDeletedFiles()).toBe(0);
      const left = (await context.raw().logRows(gone)).map((row) => row.message);
      expect(left).toEqual(['kept for later']);
    });
  });
};
