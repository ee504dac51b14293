import { describe, expect, it } from 'vitest';
import { DEFAULT_PACING } from '../src/commands/prune.command.js';
import { backends, openSql } from './support/databases.js';
import { runCli } from './support/in-process-cli.js';
import { LEGACY_FILES } from './support/legacy-fixture.js';
import { jsonOf, migratedLegacyDatabase, type LegacyDatabase } from './support/migrated-fixture.js';
import { count } from './support/rows.js';

/** Old, finished, rebuilt from logs, nothing newer: the files whose history may go. */
const PRUNABLE = ['complete', 'upper_case', 'retried', 'failed', 'skipped', 'uploads'];
const logRowsOf = (tag: string) => LEGACY_FILES.find((file) => file.tag === tag)?.logs.length ?? 0;
const noPause = { ...DEFAULT_PACING, rowsPerDelete: 7, pauseAfter: async () => {} };

async function logCounts(db: LegacyDatabase): Promise<Record<string, number>> {
  const { sql, close } = await openSql(db.url);
  try {
    const counts: Record<string, number> = {
      taskLevel: await count(sql, 'processing_logs WHERE file_id IS NULL'),
    };
    for (const [tag, fileId] of db.ids)
      counts[tag] = await count(sql, 'processing_logs WHERE file_id = :fileId', { fileId });
    return counts;
  } finally {
    await close();
  }
}

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`prune on ${backend.title}`, () => {
    it('deletes whole histories of finished, rebuilt files older than the cutoff, and keeps every other one', async () => {
      const db = await migratedLegacyDatabase(backend, 'prune');
      await jsonOf(['logs-to-steps'], db.url);
      const before = await logCounts(db);

      const preview = await jsonOf(['prune', '--older-than', '30d', '--dry-run'], db.url);
      expect(await logCounts(db)).toEqual(before);
      const pruned = await runCli(['prune', '--older-than', '30d', '--json'], db.url, {
        prunePacing: noPause,
      });

      const expected = {
        filesPruned: PRUNABLE.length,
        fileLogRows: PRUNABLE.reduce((sum, tag) => sum + logRowsOf(tag), 0),
        taskLevelRows: 1,
        rowsOfDeletedFiles: 0,
        kept: { unfinishedSteps: 2, notRebuiltFromLogs: 1, noStepRows: 1, newerHistory: 1 },
      };
      expect(preview).toMatchObject({ ...expected, dryRun: true });
      expect(pruned.code, pruned.stderr).toBe(0);
      expect(pruned.json()).toMatchObject({ ...expected, dryRun: false, interrupted: false });
      const after = await logCounts(db);
      for (const tag of PRUNABLE) expect(after[tag], tag).toBe(0);
      for (const tag of ['noise', 'in_flight', 'stale_rows', 'notes_only', 'reprocessed']) {
        expect(after[tag], tag).toBe(before[tag]);
      }
      expect(after.taskLevel).toBe(1);
    });

    it('leaves step rows alone, so a repair keeps pruned files and verify counts them as without history', async () => {
      const db = await migratedLegacyDatabase(backend, 'prunever');
      await jsonOf(['logs-to-steps'], db.url);
      await jsonOf(['prune', '--older-than', '30d'], db.url);

      const repair = await jsonOf(['logs-to-steps', '--all'], db.url);
      const verify = await jsonOf(['verify'], db.url);

      expect(repair).toMatchObject({ filesFailed: 0, totalStepsCreated: 0 });
      expect(verify).toMatchObject({ filesInvalid: 0, filesWithoutHistory: PRUNABLE.length });
    });

    it('deletes nothing newer than the cutoff', async () => {
      const db = await migratedLegacyDatabase(backend, 'prunenew');
      await jsonOf(['logs-to-steps', '--all'], db.url);
      const before = await logCounts(db);

      const result = await jsonOf(['prune', '--older-than', '1000w'], db.url);

      expect(result).toMatchObject({ filesPruned: 0, fileLogRows: 0, taskLevelRows: 0 });
      expect(await logCounts(db)).toEqual(before);
    });
  });
}
