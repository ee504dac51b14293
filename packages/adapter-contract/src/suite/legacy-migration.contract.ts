import { emptyTotals, reconstruct, type MigrationProgress, type MigrationTotals } from '@steptrail/domain';
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
import { foldedView, orderedLogs, rawSnapshot, stepRowNamed, stepView, stepViewsByName } from './raw-rows.js';

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

    it('progress saved in a transaction commits with it and is gone with a rollback', async () => {
      const store = context.store();
      const legacy = store.reads.legacy;
      await legacy.prepareProgress();
      const saved: MigrationProgress = {
        mode: 'all',
        lastFileId: 41,
        totals: {
          ...emptyTotals(),
          totalFiles: 41,
          filesFailed: 1,
          errors: [{ fileId: 7, message: 'boom' }],
        },
        startedAt: at(1),
        updatedAt: at(2.5),
      };
      await store.unitOfWork.transaction((repos) => repos.legacy.saveProgress(saved));
      expect(await legacy.loadProgress('all')).toEqual(saved);

      const rolledBack = store.unitOfWork.transaction(async (repos) => {
        await repos.legacy.saveProgress({ ...saved, lastFileId: 99 });
        throw new Error('the batch failed');
      });
      await expect(rolledBack).rejects.toThrow('the batch failed');
      expect(await legacy.loadProgress('all')).toEqual(saved);
      expect(await legacy.loadProgress('missing')).toBeNull();
      await legacy.clearProgress('all');
      expect(await legacy.loadProgress('all')).toBeNull();
    });

    it('a run stopped right after a commit resumes from the progress that commit saved, with exact totals', async () => {
      const { migration } = setup();
      const legacy = context.store().reads.legacy;
      const afterId = await newestFileId(context.store());
      const files = [
        await plantLegacyFile(context.raw(), uniqueTag(), shortLogs),
        await plantLegacyFile(context.raw(), uniqueTag(), shortLogs),
        await plantLegacyFile(context.raw(), uniqueTag(), shortLogs),
      ];
      const progress = (totals: MigrationTotals, lastFileId: number): MigrationProgress => ({
        mode: 'all',
        lastFileId,
        totals,
        startedAt: at(1),
        updatedAt: at(2),
      });
      const crash = new Error('killed between the commit and anything after it');
      const stopped = migration.migrateAllFiles({
        afterId,
        mode: 'all',
        batchSize: 2,
        progress,
        onBatch: () => {
          throw crash;
        },
      });
      await expect(stopped).rejects.toBe(crash);

      const saved = await legacy.loadProgress('all');
      expect(saved).toMatchObject({
        lastFileId: files[1],
        totals: { totalFiles: 2, filesMigrated: 2, totalStepsCreated: 4, errors: [] },
      });
      const rest = await migration.migrateAllFiles({
        afterId: saved?.lastFileId ?? 0,
        mode: 'all',
        batchSize: 2,
      });
      expect(rest).toMatchObject({ totalFiles: 1, filesMigrated: 1, totalStepsCreated: 2 });
      await expectStepsToEqualTheFold(context.store(), context.raw(), files[2] ?? 0);
      await legacy.clearProgress('all');
    });

    it('rebuildSteps folds a batch of scattered ids longer than any IN-list limit, and returns the rows it left', async () => {
      const store = context.store();
      const planted = [
        await plantLegacyFile(context.raw(), uniqueTag(), (id) => wildLogs(id, `task-${id}`)),
        await plantLegacyFile(context.raw(), uniqueTag(), shortLogs),
      ];
      // Ids of no file around them: the batch is no range and has more ids than MariaDB keeps as a list.
      const absent = Array.from({ length: 1500 }, (_, index) => 900_000_000 + 2 * index);
      const ids = [planted[0] ?? 0, ...absent, planted[1] ?? 0];

      const rebuilt = await store.unitOfWork.transaction((repos) => repos.legacy.rebuildSteps(ids, false));
      for (const fileId of planted) {
        const { steps } = reconstruct(await orderedLogs(context.raw(), fileId));
        const expected = Object.fromEntries([...steps].map(([name, state]) => [name, foldedView(state)]));
        expect(stepViewsByName(await context.raw().stepRows(fileId))).toEqual(expected);
        expect(rebuilt.steps.filter((step) => step.fileId === fileId)).toHaveLength(steps.size);
        expect(rebuilt.counts.get(fileId)).toMatchObject({ stepsCreated: steps.size, stepsUpdated: 0 });
      }
      expect(rebuilt.counts.get(absent[0] ?? 0)).toEqual({
        stepsCreated: 0,
        stepsUpdated: 0,
        stepsUnchanged: 0,
        eventsIgnored: 0,
      });
    });
  });
};
