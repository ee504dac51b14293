import { PipelineSteps, type UnitOfWork } from '@steptrail/domain';
import { describe, expect, it } from 'vitest';
import type { ContractTopic } from './context.js';
import { at, ManualClock, newFile, uniqueTag, unwrap, useCases } from './fixtures.js';
import { dateOf, iso, logEntryOf, rawSnapshot, stepRowNamed, storedFile, textOf } from './raw-rows.js';

/** A unit of work whose batch rollup write (the last write of a batch) fails; everything else is the store's. */
function failingRollups(unitOfWork: UnitOfWork, failure: Error): UnitOfWork {
  return {
    transaction: (work) =>
      unitOfWork.transaction((repos) => {
        const files = new Proxy(repos.files, {
          get: (target, name): unknown =>
            name === 'saveRollups' ? () => Promise.reject(failure) : Reflect.get(target, name, target),
        });
        return work({ ...repos, files });
      }),
  };
}

export const pipelineStepsTopic: ContractTopic = (context) => {
  const setup = async () => {
    const clock = new ManualClock(at(0));
    const cases = useCases(context.store(), clock);
    const tag = uniqueTag();
    const original = await cases.tracker.registerFile(newFile(tag));
    const file = await cases.tracker.registerFile(newFile(tag, { managed: true }));
    unwrap(await cases.tracker.updateStepStatus(file.id, 'hash_file', 'in_progress'));
    unwrap(await cases.tracker.addUploadSteps(file.id, ['dropbox']));
    clock.set(at(2.5));
    return { clock, ...cases, original, file };
  };

  describe('pipeline steps through the backend', () => {
    it('makeRunnable schedules only pending unscheduled steps, each with a pending log row, and a repeat writes nothing', async () => {
      const { pipeline, file } = await setup();
      const names = ['hash_file', 'check_text', 'queue_dropbox'];
      expect(unwrap(await pipeline.makeRunnable(file.id, names, (name) => `Queued ${name}`))).toEqual([
        'check_text',
        'queue_dropbox',
      ]);

      const stored = await rawSnapshot(context.raw(), file.id);
      for (const stepName of ['check_text', 'queue_dropbox']) {
        const row = stepRowNamed(stored.steps, stepName);
        expect({ status: row.status, runAfter: iso(dateOf(row, 'run_after')) }).toEqual({
          status: 'pending',
          runAfter: at(2.5).toISOString(),
        });
        const logs = stored.logs.map(logEntryOf).filter((log) => log.stepName === stepName);
        expect(logs).toMatchObject([
          { status: 'pending', message: `Queued ${stepName}`, occurredAt: at(2.5) },
        ]);
      }
      expect(textOf(stepRowNamed(stored.steps, 'hash_file'), 'status')).toBe('in_progress');
      expect(unwrap(await pipeline.makeRunnable(file.id, names, () => 'again'))).toEqual([]);
      expect(await rawSnapshot(context.raw(), file.id)).toEqual(stored);
    });

    it('markDuplicate stores the mark, a skipped row and log row per pending step, and the duplicate rollup', async () => {
      const { pipeline, original, file } = await setup();
      const note = { message: `Duplicate of file ${original.id}`, taskId: 'worker-1' };
      const skipped = unwrap(await pipeline.markDuplicate(file.id, original.id, note));

      const pending = [...file.workflow.steps.filter((name) => name !== 'hash_file'), 'queue_dropbox'];
      expect([...skipped].sort()).toEqual([...pending, 'upload_to_dropbox'].sort());
      const stored = await rawSnapshot(context.raw(), file.id);
      expect(stored.file).toMatchObject({
        is_duplicate: true,
        duplicate_of_id: original.id,
        processing_status: 'duplicate',
      });
      for (const stepName of skipped) {
        expect(textOf(stepRowNamed(stored.steps, stepName), 'status')).toBe('skipped');
        const logs = stored.logs.map(logEntryOf).filter((log) => log.stepName === stepName);
        expect(logs).toMatchObject([{ status: 'skipped', ...note, occurredAt: at(2.5) }]);
      }
      expect(textOf(stepRowNamed(stored.steps, 'hash_file'), 'status')).toBe('in_progress');
    });

    it('markDuplicate writes nothing when its last write fails: the mark and the skips commit together', async () => {
      const { clock, original, file } = await setup();
      const failure = new Error('the rollup write failed');
      const unitOfWork = failingRollups(context.store().unitOfWork, failure);
      const before = await rawSnapshot(context.raw(), file.id);

      const marking = new PipelineSteps({ unitOfWork, clock }).markDuplicate(file.id, original.id, {
        message: 'Duplicate',
      });
      await expect(marking).rejects.toBe(failure);
      expect(await rawSnapshot(context.raw(), file.id)).toEqual(before);
      expect(textOf(await storedFile(context.raw(), file.id), 'processing_status')).not.toBe('duplicate');
    });
  });
};
