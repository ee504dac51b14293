import { describe, expect, it } from 'vitest';
import type { LegacyLogRow } from '../harness.js';
import type { ContractTopic } from './context.js';
import { at, ManualClock, newestFileId, uniqueTag, unwrap, useCases } from './fixtures.js';
import {
  expectStepsToEqualTheFold,
  legacyLog,
  legacyTime,
  plantLegacyFile,
  verifyOnly,
} from './legacy-support.js';
import { rawSnapshot, stepRowNamed, stepView } from './raw-rows.js';

/** Everything DocuElevate's logs contain in the wild, in the order it would have inserted the rows. */
const wildLogs = (fileId: number, taskId: string): LegacyLogRow[] => [
  legacyLog(fileId, 'hash_file', 'in_progress', 0),
  legacyLog(fileId, 'hash_file', 'SUCCESS', 0),
  legacyLog(fileId, 'create_file_record', 'queued', 1),
  legacyLog(fileId, 'create_file_record', 'in_progress', 1),
  legacyLog(fileId, 'create_file_record', 'failure', 2, { detail: 'disk full' }),
  legacyLog(fileId, 'create_file_record', 'pending', 3, { message: 'retry 1' }),
  legacyLog(fileId, 'create_file_record', 'in_progress', 4),
  legacyLog(fileId, 'create_file_record', 'success', 5),
  legacyLog(fileId, null, 'info', 5, { message: 'a note without a step' }),
  legacyLog(null, 'poll_task', 'in_progress', 5, { taskId }),
  legacyLog(fileId, 'check_text', null, 6),
  legacyLog(fileId, 'extract_text', 'retrying', 6),
  legacyLog(fileId, 'process_with_ocr', 'skipped', 7, { message: 'text layer present' }),
  // Inserted before its start event: the fold orders by timestamp first, then id.
  legacyLog(fileId, 'extract_metadata_with_gpt', 'success', 9),
  legacyLog(fileId, 'extract_metadata_with_gpt', 'in_progress', 8),
  legacyLog(fileId, 'send_to_user_destinations', 'failure', 10, { message: 'dropbox: 401' }),
  legacyLog(fileId, 'upload_to_dropbox', 'Failure', 10),
];

/** A short history: hash_file done, check_text started. */
const shortLogs = (fileId: number): LegacyLogRow[] => [
  legacyLog(fileId, 'hash_file', 'in_progress', 0),
  legacyLog(fileId, 'hash_file', 'success', 1),
  legacyLog(fileId, 'check_text', 'in_progress', 1),
];

export const legacyMigrationTopic: ContractTopic = (context) => {
  const setup = () => useCases(context.store(), new ManualClock(at(1000)));
  const onlyMine = (ids: readonly number[], mine: readonly number[]) => ids.filter((id) => mine.includes(id));

  describe('legacy migration', () => {
    it('migrateAllFiles rebuilds steps exactly as the fold does: ties, upper case, queued, retries, skips, null and unknown rows', async () => {
      const { migration } = setup();
      const afterId = await newestFileId(context.store());
      const taskLogs = await context.raw().countTaskLevelLogs();
      const fileId = await plantLegacyFile(context.raw(), uniqueTag(), (id) => wildLogs(id, `task-${id}`));
      expect(await context.raw().countTaskLevelLogs()).toBe(taskLogs + 1);

      const totals = await migration.migrateAllFiles({ afterId, batchSize: 2 });
      expect(totals).toMatchObject({ filesFailed: 0, errors: [] });
      const steps = await expectStepsToEqualTheFold(context.store(), context.raw(), fileId);
      const rows = await context.raw().stepRows(fileId);
      const view = (name: string) => stepView(stepRowNamed(rows, name));
      expect(view('hash_file')).toMatchObject({
        status: 'success',
        startedAt: legacyTime(0).toISOString(),
        attempts: 1,
      });
      expect(view('create_file_record')).toMatchObject({
        status: 'success',
        errorMessage: null,
        attempts: 2,
        completedAt: legacyTime(5).toISOString(),
      });
      expect(view('check_text')).toMatchObject({ status: 'pending', attempts: 0, lastEventId: null });
      expect(view('extract_text')).toMatchObject({ status: 'pending', attempts: 0 });
      expect(view('process_with_ocr')).toMatchObject({
        status: 'skipped',
        startedAt: null,
        completedAt: legacyTime(7).toISOString(),
      });
      expect(view('extract_metadata_with_gpt')).toMatchObject({
        status: 'success',
        startedAt: legacyTime(8).toISOString(),
        completedAt: legacyTime(9).toISOString(),
      });
      expect(view('send_to_user_destinations')).toMatchObject({
        status: 'failure',
        errorMessage: 'dropbox: 401',
      });
      expect(view('upload_to_dropbox')).toMatchObject({ status: 'failure', errorMessage: null });
      expect(steps.size).toBe(8);
      expect(unwrap(await migration.verifyMigration(fileId))).toMatchObject({
        valid: true,
        discrepancies: [],
      });
    });

    it('migrateLogsToSteps counts created, ignored and unchanged steps, and a second run changes nothing', async () => {
      const { migration } = setup();
      const fileId = await plantLegacyFile(context.raw(), uniqueTag(), (id) => wildLogs(id, `task-${id}`));

      const first = unwrap(await migration.migrateLogsToSteps(fileId));
      expect(first).toMatchObject({
        totalFiles: 1,
        filesMigrated: 1,
        totalStepsCreated: 8,
        totalStepsUpdated: 0,
        eventsIgnored: 2,
      });
      const rows = await context.raw().stepRows(fileId);
      const second = unwrap(await migration.migrateLogsToSteps(fileId));
      expect(second).toMatchObject({ totalStepsCreated: 0, totalStepsUpdated: 0, totalStepsSkipped: 8 });
      expect(await context.raw().stepRows(fileId)).toEqual(rows);
      expect((await migration.migrateLogsToSteps(fileId + 1_000_000)).ok).toBe(false);
    });

    it('candidates: missing takes files with logs and no step rows, all takes every file', async () => {
      const { migration } = setup();
      const legacy = context.store().reads.legacy;
      const afterId = await newestFileId(context.store());
      const withoutSteps = await plantLegacyFile(context.raw(), uniqueTag(), shortLogs);
      const withSteps = await plantLegacyFile(context.raw(), uniqueTag(), shortLogs);
      const withoutLogs = await plantLegacyFile(context.raw(), uniqueTag());
      await context.raw().insertLegacyStep(withSteps, 'hash_file', 'in_progress');
      const mine = [withoutSteps, withSteps, withoutLogs];

      expect(onlyMine(await legacy.candidateFileIds('missing', afterId, 1000), mine)).toEqual([withoutSteps]);
      expect(onlyMine(await legacy.candidateFileIds('all', afterId, 1000), mine)).toEqual([
        withoutSteps,
        withSteps,
        withoutLogs,
      ]);
      expect(await legacy.candidateFileIds('all', withSteps, 1000)).not.toContain(withSteps);
      const plantedRows = await context.raw().stepRows(withSteps);

      await migration.migrateAllFiles({ afterId, mode: 'missing' });
      await expectStepsToEqualTheFold(context.store(), context.raw(), withoutSteps);
      expect(await context.raw().stepRows(withSteps)).toEqual(plantedRows);
      expect(await context.raw().stepRows(withoutLogs)).toEqual([]);

      const totals = await migration.migrateAllFiles({ afterId, mode: 'all', batchSize: 1 });
      expect(totals.filesFailed).toBe(0);
      await expectStepsToEqualTheFold(context.store(), context.raw(), withSteps);
      expect(stepView(stepRowNamed(await context.raw().stepRows(withSteps), 'hash_file')).status).toBe(
        'success',
      );
      expect(await context.raw().stepRows(withoutLogs)).toEqual([]);
    });

    it('a dry run counts what it would change and writes nothing', async () => {
      const { migration } = setup();
      const afterId = await newestFileId(context.store());
      const fresh = await plantLegacyFile(context.raw(), uniqueTag(), (id) => wildLogs(id, `task-${id}`));
      const stale = await plantLegacyFile(context.raw(), uniqueTag(), shortLogs);
      await context.raw().insertLegacyStep(stale, 'hash_file', 'queued');
      const before = [await rawSnapshot(context.raw(), fresh), await rawSnapshot(context.raw(), stale)];

      const one = unwrap(await migration.migrateLogsToSteps(fresh, { dryRun: true }));
      expect(one).toMatchObject({ totalStepsCreated: 8, totalStepsUpdated: 0, eventsIgnored: 2 });
      const staleCounts = unwrap(await migration.migrateLogsToSteps(stale, { dryRun: true }));
      expect(staleCounts).toMatchObject({ totalStepsCreated: 1, totalStepsUpdated: 1 });
      const all = await migration.migrateAllFiles({ afterId, mode: 'all', dryRun: true });
      expect(all.filesFailed).toBe(0);
      expect(all.totalStepsCreated).toBeGreaterThanOrEqual(9);

      expect([await rawSnapshot(context.raw(), fresh), await rawSnapshot(context.raw(), stale)]).toEqual(
        before,
      );
    });

    it('live events on an adopted legacy file fold together with its legacy history, in time order', async () => {
      const { migration, tracker } = setup();
      const fileId = await plantLegacyFile(context.raw(), uniqueTag(), (id) => [
        legacyLog(id, 'hash_file', 'in_progress', 0),
        legacyLog(id, 'hash_file', 'success', 2),
        legacyLog(id, 'check_text', 'in_progress', 2),
      ]);
      unwrap(await migration.migrateLogsToSteps(fileId));

      const late = unwrap(
        await tracker.updateStepStatus(fileId, 'hash_file', 'in_progress', { occurredAt: at(1.5) }),
      );
      const inOrder = unwrap(
        await tracker.updateStepStatus(fileId, 'check_text', 'success', { occurredAt: at(2.25) }),
      );
      expect([late.refolded, inOrder.refolded]).toEqual([true, false]);
      await expectStepsToEqualTheFold(context.store(), context.raw(), fileId);
      const rows = await context.raw().stepRows(fileId);
      expect(stepView(stepRowNamed(rows, 'hash_file'))).toMatchObject({ status: 'success', attempts: 2 });
      expect(stepView(stepRowNamed(rows, 'check_text'))).toMatchObject({ status: 'success', attempts: 1 });
      expect(unwrap(await migration.verifyMigration(fileId)).discrepancies).toEqual([]);
    });

    it('verifyAll finds migrated files clean and reports a planted step no log explains', async () => {
      const { migration } = setup();
      const afterId = await newestFileId(context.store());
      const tampered = await plantLegacyFile(context.raw(), uniqueTag(), (id) => wildLogs(id, `task-${id}`));
      const intact = await plantLegacyFile(context.raw(), uniqueTag(), shortLogs);
      await migration.migrateAllFiles({ afterId });
      const verifyAll = migration.verifyAll.bind(migration);

      const clean = await verifyOnly(verifyAll, [tampered, intact]);
      expect(clean.map(({ fileId, valid, discrepancies }) => ({ fileId, valid, discrepancies }))).toEqual([
        { fileId: tampered, valid: true, discrepancies: [] },
        { fileId: intact, valid: true, discrepancies: [] },
      ]);

      await context.raw().insertLegacyStep(tampered, 'finalize_document_storage', 'success');
      const [found, untouched] = await verifyOnly(verifyAll, [tampered, intact]);
      expect(found?.valid).toBe(false);
      expect(found?.discrepancies).toContainEqual(
        expect.objectContaining({ kind: 'extra_step', stepName: 'finalize_document_storage' }),
      );
      expect(untouched?.valid).toBe(true);
      expect(unwrap(await migration.verifyMigration(tampered)).valid).toBe(false);
    });
  });
};
