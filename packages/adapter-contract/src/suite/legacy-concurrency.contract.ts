import type { MigrateAllOptions, MigrationProgress, MigrationTotals } from '@steptrail/domain';
import { describe, expect, it } from 'vitest';
import type { LegacyLogRow } from '../harness.js';
import type { ContractTopic } from './context.js';
import { at, ManualClock, newestFileId, uniqueTag, useCases } from './fixtures.js';
import { expectStepsToEqualTheFold, legacyLog, plantLegacyFile } from './legacy-support.js';
import { rollupView, stepView, storedFile, textOf } from './raw-rows.js';

/** Histories that end in every overall status, so the rollups differ from file to file. */
const HISTORIES: ReadonlyArray<(fileId: number) => LegacyLogRow[]> = [
  (fileId) => [
    legacyLog(fileId, 'hash_file', 'in_progress', 0),
    legacyLog(fileId, 'hash_file', 'success', 1),
    legacyLog(fileId, 'check_text', 'in_progress', 1),
  ],
  (fileId) => [
    legacyLog(fileId, 'hash_file', 'success', 0),
    legacyLog(fileId, 'process_with_azure_document_intelligence', 'failure', 2, { detail: 'quota' }),
  ],
  (fileId) => [
    legacyLog(fileId, 'create_file_record', 'in_progress', 0),
    legacyLog(fileId, 'create_file_record', 'BOGUS', 1),
    legacyLog(fileId, 'send_to_all_destinations', 'success', 3),
  ],
];

const byName = (a: { name: string | null }, b: { name: string | null }) =>
  (a.name ?? '').localeCompare(b.name ?? '');

const progressOf = (totals: MigrationTotals, lastFileId: number): MigrationProgress => ({
  mode: 'all',
  lastFileId,
  totals,
  startedAt: at(1),
  updatedAt: at(2),
});

/** Batches run side by side on stores with concurrent writers; elsewhere the same options run one at a time. */
export const legacyConcurrencyTopic: ContractTopic = (context) => {
  const migration = () => useCases(context.store(), new ManualClock(at(1000))).migration;
  const concurrent = context.backend.capabilities.concurrentWriters;

  /** Plants `count` legacy files, one of them with a step row already, so `all` updates as well as creates. */
  const plantFiles = async (count: number) => {
    const files: number[] = [];
    for (let index = 0; index < count; index += 1)
      files.push(await plantLegacyFile(context.raw(), uniqueTag(), HISTORIES[index % HISTORIES.length]));
    await context.raw().insertLegacyStep(files[0] ?? 0, 'hash_file', 'in_progress');
    return files;
  };

  /** A dry run, a backfill and a repair over freshly planted files, and what they left in every row. */
  const runAll = async (options: MigrateAllOptions) => {
    const afterId = await newestFileId(context.store());
    const files = await plantFiles(7);
    const run = (more: MigrateAllOptions) => migration().migrateAllFiles({ ...options, afterId, ...more });
    const totals = {
      dryRun: await run({ dryRun: true }),
      missing: await run({}),
      all: await run({ mode: 'all' }),
    };
    const rows = [];
    for (const fileId of files) {
      await expectStepsToEqualTheFold(context.store(), context.raw(), fileId);
      const steps = await context.raw().stepRows(fileId);
      rows.push({
        // Each run plants its own logs: every value but the last event's id (checked against the fold above).
        steps: steps
          .map((row) => ({ name: textOf(row, 'step_name'), ...stepView(row), lastEventId: null }))
          .sort(byName),
        rollup: rollupView(await storedFile(context.raw(), fileId)),
      });
    }
    return { totals, rows };
  };

  describe('legacy migration with batches in flight', () => {
    it('concurrency 3 leaves exactly the rows, rollups and totals of one batch at a time', async () => {
      const oneAtATime = await runAll({ batchSize: 2, concurrency: 1 });
      const sideBySide = await runAll({ batchSize: 2, concurrency: 3 });
      expect(sideBySide).toEqual(oneAtATime);
      expect(oneAtATime.totals.missing).toMatchObject({ totalFiles: 6, filesMigrated: 6, filesFailed: 0 });
      expect(oneAtATime.totals.all).toMatchObject({ totalFiles: 7, totalStepsUpdated: 1, filesFailed: 0 });
      expect(oneAtATime.totals.dryRun).toEqual(oneAtATime.totals.missing);
    });

    it('a run stopped with batches in flight lets them commit and resumes after the last with exact totals', async () => {
      const afterId = await newestFileId(context.store());
      const files = await plantFiles(6);
      const reported: number[] = [];
      const first = await migration().migrateAllFiles({
        afterId,
        mode: 'all',
        batchSize: 1,
        concurrency: 3,
        progress: progressOf,
        onBatch: (_totals, lastFileId) => void reported.push(lastFileId),
        stopRequested: () => true,
      });
      // Asked after the first batch; the two started beside it (none on a one-writer store) still commit.
      expect(reported).toEqual(files.slice(0, concurrent ? 3 : 1));
      const saved = await context.store().reads.legacy.loadProgress('all');
      expect(saved).toMatchObject({ lastFileId: reported.at(-1), totals: first });
      expect(first.totalFiles).toBe(reported.length);

      const rest = await migration().migrateAllFiles({
        afterId: saved?.lastFileId ?? 0,
        mode: 'all',
        batchSize: 1,
        concurrency: 3,
      });
      const again = await migration().migrateAllFiles({ afterId, mode: 'all', dryRun: true });
      expect(first.totalFiles + rest.totalFiles).toBe(6);
      expect(first.totalStepsCreated + rest.totalStepsCreated).toBe(11);
      expect(again).toMatchObject({ totalFiles: 6, totalStepsSkipped: 12, filesFailed: 0 });
      for (const fileId of files) await expectStepsToEqualTheFold(context.store(), context.raw(), fileId);
      await context.store().reads.legacy.clearProgress('all');
    });

    it('a batch that fails while later ones run is redone file by file before they commit', async () => {
      const afterId = await newestFileId(context.store());
      const files = await plantFiles(6);
      const broken = files[3] ?? 0;
      const reported: Array<{ lastFileId: number; totalFiles: number; filesFailed: number }> = [];
      const totals = await migration().migrateAllFiles({
        afterId,
        mode: 'all',
        batchSize: 2,
        concurrency: 2,
        progress: (running, lastFileId) => {
          if (lastFileId === broken) throw new Error(`file ${broken} cannot be saved`);
          return progressOf(running, lastFileId);
        },
        onBatch: ({ totalFiles, filesFailed }, lastFileId) =>
          void reported.push({ lastFileId, totalFiles, filesFailed }),
      });
      expect(reported).toEqual([
        { lastFileId: files[1], totalFiles: 2, filesFailed: 0 },
        { lastFileId: files[3], totalFiles: 4, filesFailed: 1 },
        { lastFileId: files[5], totalFiles: 6, filesFailed: 1 },
      ]);
      expect(totals).toMatchObject({
        totalFiles: 6,
        filesMigrated: 5,
        filesFailed: 1,
        errors: [{ fileId: broken, message: `file ${broken} cannot be saved` }],
      });
      expect(await context.store().reads.legacy.loadProgress('all')).toMatchObject({
        lastFileId: files[5],
        totals,
      });
      expect(await context.raw().stepRows(broken)).toEqual([]);
      for (const fileId of files.filter((id) => id !== broken))
        await expectStepsToEqualTheFold(context.store(), context.raw(), fileId);
      await context.store().reads.legacy.clearProgress('all');
    });
  });
};
