import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LegacyLogRow } from '../harness.js';
import type { ContractTopic } from './context.js';
import { at, ManualClock, uniqueTag, unwrap, useCases } from './fixtures.js';
import { expectStepsToEqualTheFold, legacyTime, plantLegacyFile } from './legacy-support.js';
import { orderedLogs } from './raw-rows.js';
import { reconstruct } from '@steptrail/domain';

const RUNS = 40;

/** One DocuElevate log row, with the oddities found in real databases over-represented. */
const legacyRow = fc.record({
  stepName: fc.constantFrom(
    'hash_file',
    'create_file_record',
    'send_to_user_destinations',
    'upload_to_dropbox',
    'poll_task',
    null,
  ),
  status: fc.constantFrom(
    'pending',
    'queued',
    'in_progress',
    'success',
    'SUCCESS',
    'failure',
    'Failure',
    'skipped',
    ' Skipped ',
    'retrying',
    null,
  ),
  // Few distinct seconds, so same-second ties (ordered by id) are common.
  second: fc.integer({ min: 0, max: 6 }),
  millis: fc.constantFrom(0, 0, 0, 500),
  message: fc.constantFrom(null, 'boom', 'done'),
  detail: fc.constantFrom(null, 'traceback'),
  taskLevel: fc.integer({ min: 0, max: 9 }).map((roll) => roll === 0),
});
type GeneratedRow = typeof legacyRow extends fc.Arbitrary<infer Row> ? Row : never;

const toLegacyRow =
  (fileId: number) =>
  (row: GeneratedRow): LegacyLogRow => ({
    fileId: row.taskLevel ? null : fileId,
    stepName: row.stepName,
    status: row.status,
    message: row.message,
    detail: row.detail,
    taskId: row.taskLevel ? 'celery-task' : null,
    timestamp: legacyTime(row.second, row.millis),
  });

export const legacyPropertyTopic: ContractTopic = (context) => {
  describe('legacy migration, property', () => {
    it('for any legacy history, migrateAllFiles stores exactly the fold of the logs, verifies clean and is idempotent', async () => {
      const { migration } = useCases(context.store(), new ManualClock(at(1000)));
      await fc.assert(
        fc.asyncProperty(fc.array(legacyRow, { minLength: 1, maxLength: 25 }), async (rows) => {
          const fileId = await plantLegacyFile(context.raw(), uniqueTag(), (id) => rows.map(toLegacyRow(id)));

          const totals = await migration.migrateAllFiles({ afterId: fileId - 1, batchSize: 10 });
          expect(totals.errors).toEqual([]);
          await expectStepsToEqualTheFold(context.store(), context.raw(), fileId);
          expect(unwrap(await migration.verifyMigration(fileId)).discrepancies).toEqual([]);
          const again = unwrap(await migration.migrateLogsToSteps(fileId));
          expect({ created: again.totalStepsCreated, updated: again.totalStepsUpdated }).toEqual({
            created: 0,
            updated: 0,
          });
        }),
        { numRuns: RUNS },
      );
    }, 120_000);

    it('for any history that grows after a backfill, a rerun rewrites the changed steps, keeps the rest, and counts what its dry run counted', async () => {
      const { migration } = useCases(context.store(), new ManualClock(at(1000)));
      const history = fc.array(legacyRow, { minLength: 1, maxLength: 15 });
      await fc.assert(
        fc.asyncProperty(history, history, async (first, later) => {
          const fileId = await plantLegacyFile(context.raw(), uniqueTag(), (id) =>
            first.map(toLegacyRow(id)),
          );
          unwrap(await migration.migrateLogsToSteps(fileId));
          await context.raw().insertLegacyLogs(later.map(toLegacyRow(fileId)));

          const predicted = unwrap(await migration.migrateLogsToSteps(fileId, { dryRun: true }));
          const done = unwrap(await migration.migrateLogsToSteps(fileId));
          const { steps, eventsIgnored } = reconstruct(await orderedLogs(context.raw(), fileId));
          expect(done).toEqual(predicted);
          expect(done).toMatchObject({ filesFailed: 0, eventsIgnored });
          expect(done.totalStepsCreated + done.totalStepsUpdated + done.totalStepsSkipped).toBe(steps.size);
          await expectStepsToEqualTheFold(context.store(), context.raw(), fileId);
        }),
        { numRuns: RUNS },
      );
    }, 120_000);
  });
};
