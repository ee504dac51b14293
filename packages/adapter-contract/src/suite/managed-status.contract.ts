import { describe, expect, it } from 'vitest';
import type { ContractTopic } from './context.js';
import { at, ManualClock, newFile, uniqueTag, unwrap, useCases, workflowOf } from './fixtures.js';
import { rollupView, storedFile } from './raw-rows.js';

const SHORT = workflowOf('short', ['hash_file', 'extract_text', 'finalize_document_storage']);

/** docs/architecture.md#overall-status (the managed rule) and #stopped-steps, as stored by every backend. */
export const managedStatusTopic: ContractTopic = (context) => {
  const setup = async (managed: boolean) => {
    const clock = new ManualClock(at(0));
    const cases = useCases(context.store(), clock);
    const file = await cases.tracker.registerFile(newFile(uniqueTag(), { managed, workflow: SHORT }));
    const storedStatus = async () => rollupView(await storedFile(context.raw(), file.id)).status;
    const step = async (stepName: string, status: string, seconds: number) => {
      clock.set(at(seconds));
      const note = status === 'failure' ? { errorMessage: 'broken' } : {};
      unwrap(await cases.tracker.updateStepStatus(file.id, stepName, status, note));
    };
    return { ...cases, file, storedStatus, step };
  };

  describe('status while work runs', () => {
    it('a managed file between two steps is stored processing; the rebuild and verify agree', async () => {
      const { file, migration, storedStatus, step } = await setup(true);
      expect(await storedStatus()).toBe('pending');
      await step('hash_file', 'in_progress', 1);
      await step('hash_file', 'success', 2);
      expect(await storedStatus()).toBe('processing');
      expect(unwrap(await migration.verifyMigration(file.id)).discrepancies).toEqual([]);
      unwrap(await migration.migrateLogsToSteps(file.id));
      expect(await storedStatus()).toBe('processing');
      expect(unwrap(await migration.verifyMigration(file.id)).discrepancies).toEqual([]);
    });

    it("a file an external pipeline reports on keeps DocuElevate's rule: pending between two steps", async () => {
      const { file, migration, storedStatus, step } = await setup(false);
      await step('hash_file', 'in_progress', 1);
      await step('hash_file', 'success', 2);
      expect(await storedStatus()).toBe('pending');
      unwrap(await migration.migrateLogsToSteps(file.id));
      expect(await storedStatus()).toBe('pending');
      expect(unwrap(await migration.verifyMigration(file.id)).discrepancies).toEqual([]);
    });

    it('a failure marks the managed steps it stopped; the stored status is failed', async () => {
      const { file, queries, storedStatus, step } = await setup(true);
      await step('hash_file', 'success', 1);
      await step('extract_text', 'in_progress', 2);
      await step('extract_text', 'failure', 3);
      expect(await storedStatus()).toBe('failed');
      const steps = unwrap(await queries.getFileStepStatus(file.id));
      expect(steps['finalize_document_storage']).toMatchObject({
        status: 'pending',
        stoppedBy: 'extract_text',
      });
      expect(steps['hash_file']?.stoppedBy).toBeNull();
      expect(unwrap(await queries.getStepSummary(file.id)).main).toMatchObject({ stopped: 1, queued: 0 });
    });
  });
};
