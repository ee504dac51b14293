import { reconstructStep, type FileRollup, type Store } from '@steptrail/domain';
import { describe, expect, it } from 'vitest';
import type { ContractTopic } from './context.js';
import { at, ManualClock, newFile, uniqueTag, unwrap, useCases } from './fixtures.js';
import { foldedView, orderedLogs, rawSnapshot, stepRowNamed, stepView } from './raw-rows.js';

const brokenRollup: FileRollup = {
  status: 'failed',
  hasErrors: true,
  totalSteps: 1,
  completedSteps: 0,
  failedSteps: 1,
  inProgressSteps: 0,
  skippedSteps: 0,
  lastStep: 'hash_file',
  statusChangedAt: at(99),
};

export const unitOfWorkTopic: ContractTopic = (context) => {
  /** The store for writer `index`: alternating between both stores where the backend writes concurrently. */
  const storeFor = (index: number): Store =>
    context.backend.capabilities.concurrentWriters && index % 2 === 1
      ? context.secondStore()
      : context.store();

  describe('unit of work', () => {
    it('commits what the work wrote when it resolves, and returns its value', async () => {
      const tag = uniqueTag();
      const { fileId, logId } = await context.store().unitOfWork.transaction(async (repos) => {
        const file = await repos.files.create(newFile(tag));
        await repos.steps.createMissing(file.id, ['hash_file'], null);
        const log = await repos.logs.append({
          fileId: file.id,
          stepName: 'hash_file',
          status: 'in_progress',
          taskId: null,
          message: null,
          detail: null,
          occurredAt: at(1),
        });
        return { fileId: file.id, logId: log.id };
      });

      const stored = await rawSnapshot(context.raw(), fileId);
      expect(stored.file).toMatchObject({ id: fileId, filehash: `hash-${tag}` });
      expect(stored.steps).toHaveLength(1);
      expect(stored.logs.map((row) => row.id)).toEqual([logId]);
    });

    it('rolls back every log, step and rollup write when the work throws, and rethrows its error', async () => {
      const clock = new ManualClock();
      const { tracker } = useCases(context.store(), clock);
      const file = await tracker.registerFile(newFile(uniqueTag()));
      unwrap(await tracker.updateStepStatus(file.id, 'hash_file', 'in_progress'));
      const before = await rawSnapshot(context.raw(), file.id);
      const taskLogsBefore = await context.raw().countTaskLevelLogs();
      const failure = new Error('handler crashed mid-transaction');

      const run = context.store().unitOfWork.transaction(async (repos) => {
        await repos.logs.append({
          fileId: file.id,
          stepName: 'hash_file',
          status: 'success',
          taskId: null,
          message: null,
          detail: null,
          occurredAt: at(5),
        });
        await repos.logs.append({
          fileId: null,
          stepName: null,
          status: null,
          taskId: 'doomed',
          message: null,
          detail: null,
          occurredAt: at(5),
        });
        await repos.steps.saveState(file.id, 'hash_file', {
          status: 'success',
          startedAt: at(1),
          completedAt: at(5),
          errorMessage: null,
          attempts: 1,
          lastEvent: null,
        });
        await repos.steps.createMissing(file.id, ['queue_dropbox'], at(5));
        await repos.steps.schedule(file.id, 'check_text', at(5), true);
        await repos.files.saveRollup(file.id, brokenRollup);
        await repos.files.setDuplicate(file.id, true, null);
        throw failure;
      });

      await expect(run).rejects.toBe(failure);
      expect(await rawSnapshot(context.raw(), file.id)).toEqual(before);
      expect(await context.raw().countTaskLevelLogs()).toBe(taskLogsBefore);
    });

    it('a failed use-case leaves storage as it was: a deleted file inside a rolled-back transaction is still there', async () => {
      const clock = new ManualClock();
      const { tracker } = useCases(context.store(), clock);
      const file = await tracker.registerFile(newFile(uniqueTag()));
      unwrap(await tracker.updateStepStatus(file.id, 'hash_file', 'success'));
      const before = await rawSnapshot(context.raw(), file.id);

      const run = context.store().unitOfWork.transaction(async (repos) => {
        expect(await repos.files.delete(file.id)).toBe(true);
        throw new Error('changed my mind');
      });

      await expect(run).rejects.toThrow('changed my mind');
      expect(await rawSnapshot(context.raw(), file.id)).toEqual(before);
    });

    it('a write committed through one store is read through the other', async () => {
      const created = await context.secondStore().reads.files.create(newFile(uniqueTag()));
      expect(await context.store().reads.files.get(created.id)).toEqual(created);
    });

    it('the first two events of a new step racing both land: two log rows and one step row that is their fold', async () => {
      const clock = new ManualClock();
      const file = await context.store().reads.files.create(newFile(uniqueTag()));
      const results = await Promise.allSettled([
        useCases(storeFor(0), clock).tracker.updateStepStatus(file.id, 'process_with_ocr', 'in_progress', {
          occurredAt: at(1),
        }),
        useCases(storeFor(1), clock).tracker.updateStepStatus(file.id, 'process_with_ocr', 'success', {
          occurredAt: at(2),
        }),
      ]);

      expect(
        results.map((result) => (result.status === 'fulfilled' ? result.value.ok : String(result.reason))),
      ).toEqual([true, true]);
      const logs = await orderedLogs(context.raw(), file.id);
      expect(logs.map((log) => log.status)).toEqual(['in_progress', 'success']);
      const rows = await context.raw().stepRows(file.id);
      expect(rows).toHaveLength(1);
      expect(stepView(stepRowNamed(rows, 'process_with_ocr'))).toEqual(foldedView(reconstructStep(logs)));
    });
  });
};
