import { computeOverallStatus, DEFAULT_WORKFLOW, overallStatusOf, reconstructStep } from '@steptrail/domain';
import { describe, expect, it } from 'vitest';
import type { ContractTopic } from './context.js';
import { at, errorCode, ManualClock, newFile, uniqueTag, unwrap, useCases } from './fixtures.js';
import {
  dateOf,
  foldedView,
  iso,
  logEntryOf,
  orderedLogs,
  rawSnapshot,
  rollupView,
  stepRowNamed,
  stepView,
  storedFile,
  textOf,
} from './raw-rows.js';

export const stepTrackerTopic: ContractTopic = (context) => {
  const setup = () => {
    const clock = new ManualClock(at(0));
    return { clock, ...useCases(context.store(), clock) };
  };

  describe('step tracker through the backend', () => {
    it('registerFile stores the workflow steps in order, the first runnable for a managed file, and a pending rollup', async () => {
      const { tracker, clock } = setup();
      const file = await tracker.registerFile(newFile(uniqueTag(), { managed: true }));

      const rows = await context.raw().stepRows(file.id);
      expect(rows.map((row) => textOf(row, 'step_name'))).toEqual([...DEFAULT_WORKFLOW.steps]);
      expect(rows.map((row) => iso(dateOf(row, 'run_after')))).toEqual([
        clock.now().toISOString(),
        ...DEFAULT_WORKFLOW.steps.slice(1).map(() => null),
      ]);
      expect(rows.every((row) => row.status === 'pending' && row.attempts === 0)).toBe(true);
      const blank = DEFAULT_WORKFLOW.steps.map((stepName) => ({ stepName, status: 'pending', attempts: 0 }));
      const expected = computeOverallStatus({
        isDuplicate: false,
        managed: file.managed,
        workflow: DEFAULT_WORKFLOW,
        steps: blank,
      });
      expect(rollupView(await storedFile(context.raw(), file.id))).toEqual(expected);
      expect(expected).toMatchObject({ status: 'pending', totalSteps: DEFAULT_WORKFLOW.steps.length });
    });

    it('updateStepStatus writes the log row, the step row and the file rollup together', async () => {
      const { tracker, clock } = setup();
      const file = await tracker.registerFile(newFile(uniqueTag()));
      clock.set(at(3.456));
      const applied = unwrap(
        await tracker.updateStepStatus(file.id, 'hash_file', 'in_progress', {
          message: 'hashing',
          detail: 'sha256',
          taskId: 'task-1',
        }),
      );

      const [log] = await context.raw().logRows(file.id);
      expect(log === undefined ? null : logEntryOf(log)).toEqual({
        id: applied.log.id,
        fileId: file.id,
        taskId: 'task-1',
        stepName: 'hash_file',
        status: 'in_progress',
        message: 'hashing',
        detail: 'sha256',
        occurredAt: at(3.456),
      });
      const step = stepRowNamed(await context.raw().stepRows(file.id), 'hash_file');
      expect(stepView(step)).toEqual(foldedView(applied.step));
      expect(stepView(step)).toMatchObject({
        status: 'in_progress',
        startedAt: at(3.456).toISOString(),
        attempts: 1,
        lastEventId: applied.log.id,
      });
      const stored = await storedFile(context.raw(), file.id);
      expect(rollupView(stored)).toEqual(overallStatusOf(applied.rollup));
      expect(rollupView(stored)).toMatchObject({ status: 'processing', inProgressSteps: 1 });
      expect(textOf(stored, 'last_step')).toBe('hash_file');
      expect(iso(dateOf(stored, 'status_changed_at'))).toBe(at(3.456).toISOString());
    });

    it('an event that sorts after the last one is applied in order; a late one re-folds the step from its logs', async () => {
      const { tracker } = setup();
      const file = await tracker.registerFile(newFile(uniqueTag()));
      unwrap(await tracker.updateStepStatus(file.id, 'extract_text', 'in_progress', { occurredAt: at(20) }));
      const inOrder = unwrap(
        await tracker.updateStepStatus(file.id, 'extract_text', 'success', { occurredAt: at(30) }),
      );
      const late = unwrap(
        await tracker.updateStepStatus(file.id, 'extract_text', 'in_progress', { occurredAt: at(10) }),
      );

      expect(inOrder.refolded).toBe(false);
      expect(late.refolded).toBe(true);
      const logs = await orderedLogs(context.raw(), file.id);
      const folded = reconstructStep(logs.filter((log) => log.stepName === 'extract_text'));
      expect(folded).toMatchObject({
        status: 'success',
        startedAt: at(10),
        completedAt: at(30),
        attempts: 2,
      });
      expect(stepView(stepRowNamed(await context.raw().stepRows(file.id), 'extract_text'))).toEqual(
        foldedView(folded),
      );
      expect(late.step).toEqual(folded);
    });

    it('a rejected update leaves the log, the steps and the file exactly as they were', async () => {
      const { tracker } = setup();
      const file = await tracker.registerFile(newFile(uniqueTag()));
      unwrap(await tracker.updateStepStatus(file.id, 'hash_file', 'in_progress'));
      const before = await rawSnapshot(context.raw(), file.id);
      const taskLogs = await context.raw().countTaskLevelLogs();

      const codes = [
        errorCode(await tracker.updateStepStatus(file.id, 'hash_file', 'done')),
        errorCode(await tracker.updateStepStatus(file.id, 'hash_file', 'SUCCESS')),
        errorCode(await tracker.updateStepStatus(file.id, 'Hash File', 'success')),
        errorCode(
          await tracker.updateStepStatus(file.id, 'hash_file', 'in_progress', { completedAt: at(5) }),
        ),
        errorCode(await tracker.updateStepStatus(file.id, 'hash_file', 'success', { errorMessage: 'nope' })),
        errorCode(await tracker.updateStepStatus(file.id + 1_000_000, 'hash_file', 'success')),
        errorCode(await tracker.logEvent(file.id, { stepName: 'hash_file', status: 'finished' })),
      ];

      expect(codes).toEqual([
        'UNKNOWN_STATUS',
        'UNKNOWN_STATUS',
        'INVALID_STEP_NAME',
        'INVALID_EVENT',
        'INVALID_EVENT',
        'FILE_NOT_FOUND',
        'UNKNOWN_STATUS',
      ]);
      expect(await rawSnapshot(context.raw(), file.id)).toEqual(before);
      expect(await context.raw().countTaskLevelLogs()).toBe(taskLogs);
    });

    it('finishing a workflow step of a managed file makes the next one runnable in the same transaction', async () => {
      const { tracker, clock } = setup();
      const file = await tracker.registerFile(newFile(uniqueTag(), { managed: true }));
      clock.set(at(7));
      const applied = unwrap(await tracker.updateStepStatus(file.id, 'hash_file', 'success'));

      expect(applied.scheduled).toBe('create_file_record');
      const next = stepRowNamed(await context.raw().stepRows(file.id), 'create_file_record');
      expect(iso(dateOf(next, 'run_after'))).toBe(at(7).toISOString());
    });

    it('retryFailedSteps writes a pending event for each failed step and makes it runnable again', async () => {
      const { tracker, clock } = setup();
      const file = await tracker.registerFile(newFile(uniqueTag(), { managed: true }));
      unwrap(await tracker.updateStepStatus(file.id, 'hash_file', 'in_progress', { occurredAt: at(1) }));
      unwrap(
        await tracker.updateStepStatus(file.id, 'hash_file', 'failure', {
          occurredAt: at(2),
          errorMessage: 'disk full',
        }),
      );
      clock.set(at(60));

      expect(unwrap(await tracker.retryFailedSteps(file.id))).toEqual(['hash_file']);
      const logs = await orderedLogs(context.raw(), file.id);
      expect(logs.map((log) => log.status)).toEqual(['in_progress', 'failure', 'pending']);
      const row = stepRowNamed(await context.raw().stepRows(file.id), 'hash_file');
      expect(stepView(row)).toMatchObject({ status: 'pending', errorMessage: 'disk full', attempts: 1 });
      expect(iso(dateOf(row, 'run_after'))).toBe(at(60).toISOString());
      expect(rollupView(await storedFile(context.raw(), file.id)).status).toBe('processing');
      expect(errorCode(await tracker.retryFailedSteps(file.id, ['check_text']))).toBe('NOT_RETRYABLE');
    });

    it('setDuplicate marks the file and rolls its status up to duplicate in the same transaction', async () => {
      const { tracker } = setup();
      const original = await tracker.registerFile(newFile(uniqueTag()));
      const copy = await tracker.registerFile(newFile(uniqueTag()));
      unwrap(await tracker.setDuplicate(copy.id, true, original.id));

      const stored = await storedFile(context.raw(), copy.id);
      expect(stored).toMatchObject({
        is_duplicate: true,
        duplicate_of_id: original.id,
        processing_status: 'duplicate',
        total_steps: 0,
      });
      unwrap(await tracker.setDuplicate(copy.id, false));
      expect(await storedFile(context.raw(), copy.id)).toMatchObject({
        is_duplicate: false,
        duplicate_of_id: null,
        processing_status: 'pending',
      });
    });

    it('deleteFile leaves a tombstone, removes its steps and keeps its history', async () => {
      const { tracker } = setup();
      const file = await tracker.registerFile(newFile(uniqueTag()));
      unwrap(await tracker.updateStepStatus(file.id, 'hash_file', 'success'));
      const logs = await context.raw().logRows(file.id);

      unwrap(await tracker.deleteFile(file.id));
      const snapshot = await rawSnapshot(context.raw(), file.id);
      expect(snapshot.file?.deleted_at).toBeInstanceOf(Date);
      expect({ steps: snapshot.steps, logs: snapshot.logs }).toEqual({ steps: [], logs });
      expect(errorCode(await tracker.deleteFile(file.id))).toBe('FILE_NOT_FOUND');
    });

    it('logEvent without a file writes one task-level row and touches no step', async () => {
      const { tracker } = setup();
      const before = await context.raw().countTaskLevelLogs();
      unwrap(
        await tracker.logEvent(null, { stepName: 'poll_task', message: 'polling', taskId: uniqueTag() }),
      );
      expect(await context.raw().countTaskLevelLogs()).toBe(before + 1);
    });

    it('the file list filter returns exactly the files whose stored rollup shows that status', async () => {
      const { tracker, queries } = setup();
      const tag = uniqueTag();
      const failed = await tracker.registerFile(newFile(tag));
      const running = await tracker.registerFile(newFile(tag));
      await tracker.registerFile(newFile(tag));
      unwrap(await tracker.updateStepStatus(failed.id, 'hash_file', 'failure', { errorMessage: 'boom' }));
      unwrap(await tracker.updateStepStatus(running.id, 'hash_file', 'in_progress'));

      for (const status of ['failed', 'processing', 'pending'] as const) {
        const { page } = await queries.listFiles({ search: tag, status, limit: 50 });
        const ids = page.items.map((file) => file.id);
        const badges = await Promise.all(
          ids.map(async (id) => rollupView(await storedFile(context.raw(), id)).status),
        );
        expect(badges.every((badge) => badge === status)).toBe(true);
        expect(ids).toHaveLength(1);
        const detail = unwrap(await queries.getFileDetail(ids[0] ?? 0));
        expect(detail.status.status).toBe(status);
      }
    });
  });
};
