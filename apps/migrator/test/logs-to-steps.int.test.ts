import { describe, expect, it } from 'vitest';
import { DEFAULT_CONCURRENCY } from '../src/cli/command.js';
import { CHECKPOINT_TABLE } from '../src/sql/checkpoint-table.js';
import { backends, openSql } from './support/databases.js';
import { runCli } from './support/in-process-cli.js';
import { old } from './support/legacy-fixture.js';
import { jsonOf, migratedLegacyDatabase, totalsOf } from './support/migrated-fixture.js';
import { isoOf, rollupOf, snapshot, stepsOf } from './support/rows.js';

const done = (at: string, attempts = 1) => ({
  status: 'success',
  startedAt: isoOf(at),
  completedAt: isoOf(at),
  errorMessage: null,
  attempts,
});

/** Files with logs and no step rows: every fixture file but no_logs (no logs) and stale_rows (DocuElevate rows). */
const CANDIDATES = 10;
/** --all takes every file. */
const ALL_FILES = 12;

async function everyTable(url: string): Promise<Record<string, unknown>> {
  const { sql, close } = await openSql(url);
  try {
    return {
      files: await snapshot(sql, 'files'),
      steps: await snapshot(sql, 'file_processing_steps'),
      logs: await snapshot(sql, 'processing_logs'),
      checkpointTable: await sql.tableExists(CHECKPOINT_TABLE),
    };
  } finally {
    await close();
  }
}

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`logs-to-steps on ${backend.title}`, () => {
    // Batches still in flight when a stop is heard, and which commit before the command exits.
    const inFlight = backend.kind === 'sqlite' ? 0 : DEFAULT_CONCURRENCY - 1;
    it('rebuilds each legacy behaviour with the fold: same-second order, case, noise, retries, skips, failures', async () => {
      const db = await migratedLegacyDatabase(backend, 'backfill');

      const result = await jsonOf(['logs-to-steps'], db.url);

      expect(totalsOf(result)).toEqual({
        totalFiles: CANDIDATES,
        filesMigrated: CANDIDATES,
        filesFailed: 0,
        totalStepsCreated: 34,
        totalStepsUpdated: 0,
        totalStepsSkipped: 0,
        eventsIgnored: 3,
      });
      const { sql, close } = await openSql(db.url);
      try {
        const complete = await stepsOf(sql, db.id('complete'));
        expect(complete.hash_file).toEqual(done(old(10)));
        expect(complete.send_to_all_destinations).toEqual(done(old(17)));
        expect(complete.poll_task?.status).toBe('success');
        expect(await rollupOf(sql, db.id('complete'))).toEqual({
          status: 'completed',
          totalSteps: 8,
          failedSteps: 0,
        });

        const upper = await stepsOf(sql, db.id('upper_case'));
        expect(upper.hash_file).toEqual({ ...done(old(41)), startedAt: isoOf(old(40)) });
        expect(upper.create_file_record).toEqual(done(old(42)));
        expect(upper.check_text).toEqual({
          status: 'skipped',
          startedAt: null,
          completedAt: isoOf(old(44)),
          errorMessage: null,
          attempts: 0,
        });

        const noise = await stepsOf(sql, db.id('noise'));
        expect(noise.hash_file).toEqual({ ...done(old(52)), startedAt: isoOf(old(50)) });
        expect(noise.extract_text).toEqual({
          status: 'pending',
          startedAt: null,
          completedAt: null,
          errorMessage: null,
          attempts: 0,
        });

        const retried = await stepsOf(sql, db.id('retried'));
        expect(retried.extract_text).toEqual({ ...done(old(64), 2), startedAt: isoOf(old(60)) });

        const failed = await stepsOf(sql, db.id('failed'));
        expect(failed.check_text).toEqual({
          status: 'failure',
          startedAt: isoOf(old(72)),
          completedAt: isoOf(old(73)),
          errorMessage: 'Traceback: PDF is encrypted',
          attempts: 1,
        });
        expect(await rollupOf(sql, db.id('failed'))).toEqual({
          status: 'failed',
          totalSteps: 3,
          failedSteps: 1,
        });

        const skipped = await stepsOf(sql, db.id('skipped'));
        expect(skipped.extract_text).toEqual({
          status: 'skipped',
          startedAt: isoOf(old(81)),
          completedAt: isoOf(old(82)),
          errorMessage: null,
          attempts: 1,
        });

        expect((await rollupOf(sql, db.id('uploads'))).status).toBe('completed');
        expect(await stepsOf(sql, db.id('notes_only'))).toEqual({});
        expect(Object.keys(await stepsOf(sql, db.id('stale_rows'))).sort()).toEqual([
          'create_file_record',
          'hash_file',
        ]);
      } finally {
        await close();
      }
    });

    it('--all re-derives files whose rows DocuElevate wrote, after which verify passes', async () => {
      const db = await migratedLegacyDatabase(backend, 'repair');
      await jsonOf(['logs-to-steps'], db.url);
      const before = await runCli(['verify'], db.url);
      expect(before.code).toBe(1);
      expect(before.stdout).toContain('Step hash_file: completedAt is empty');

      const repair = await jsonOf(['logs-to-steps', '--all'], db.url);

      expect(repair).toMatchObject({ totalFiles: ALL_FILES, filesFailed: 0, totalStepsCreated: 0 });
      expect(repair.totalStepsUpdated).toBeGreaterThanOrEqual(1);
      expect(repair.totalStepsSkipped).toBe(34 + 2 - (repair.totalStepsUpdated as number));
      expect((await runCli(['verify'], db.url)).code).toBe(0);
    });

    it('a dry run reports exactly what the run then does and changes nothing, not even a checkpoint', async () => {
      const db = await migratedLegacyDatabase(backend, 'dryrun');
      const before = await everyTable(db.url);

      const preview = await jsonOf(['logs-to-steps', '--dry-run', '--batch-size', '3'], db.url);
      const previewAll = await jsonOf(['logs-to-steps', '--all', '--dry-run'], db.url);

      expect(await everyTable(db.url)).toEqual(before);
      expect(before.checkpointTable).toBe(false);
      expect(preview.dryRun).toBe(true);
      const real = await jsonOf(['logs-to-steps', '--batch-size', '3'], db.url);
      expect(totalsOf(real)).toEqual(totalsOf(preview));
      expect(totalsOf(previewAll)).toMatchObject({ totalFiles: ALL_FILES, totalStepsCreated: 34 });
    });

    it('an interrupted run continues after its last committed batch, and the totals add up with no file done twice', async () => {
      const db = await migratedLegacyDatabase(backend, 'resume');
      const reference = totalsOf(await jsonOf(['logs-to-steps', '--dry-run'], db.url));

      let progressLines = 0;
      const first = await runCli(['logs-to-steps', '--json', '--batch-size', '2'], db.url, {
        onStderr: (line, interrupt) => {
          if (line.startsWith('{"event":"progress"') && (progressLines += 1) === 2) interrupt();
        },
      });
      expect(first.code, first.stderr).toBe(130);
      const stopped = first.json();
      const done = 2 * (2 + inFlight);
      expect(stopped).toMatchObject({ interrupted: true, totalFiles: done });
      expect(typeof stopped.lastFileId).toBe('number');
      const status = await jsonOf(['schema', 'status'], db.url);
      expect(status.interruptedBackfills).toEqual([
        expect.objectContaining({ mode: 'missing', lastFileId: stopped.lastFileId }),
      ]);

      const second = await jsonOf(['logs-to-steps', '--batch-size', '2'], db.url);

      expect(second.resumedAfterFileId).toBe(stopped.lastFileId);
      expect(totalsOf(second)).toEqual(reference);
      expect(second.thisRun).toMatchObject({
        totalFiles: CANDIDATES - done,
        totalStepsUpdated: 0,
        totalStepsSkipped: 0,
      });
      expect((await jsonOf(['schema', 'status'], db.url)).interruptedBackfills).toEqual([]);
    });

    it('an interrupted --all run resumes too, with the totals of both parts', async () => {
      const db = await migratedLegacyDatabase(backend, 'resumeall');
      const reference = totalsOf(await jsonOf(['logs-to-steps', '--all', '--dry-run'], db.url));
      const first = await runCli(['logs-to-steps', '--all', '--json', '--batch-size', '3'], db.url, {
        onStderr: (line, interrupt) => line.startsWith('{"event":"progress"') && interrupt(),
      });
      expect(first.code).toBe(130);

      const rest = await jsonOf(['logs-to-steps', '--all', '--batch-size', '3'], db.url);

      expect(rest.resumedAfterFileId).toBe(first.json().lastFileId);
      expect(totalsOf(rest)).toEqual(reference);
    });

    it('--restart forgets an interrupted run and walks from the first file again', async () => {
      const db = await migratedLegacyDatabase(backend, 'restart');
      const first = await runCli(['logs-to-steps', '--all', '--json', '--batch-size', '3'], db.url, {
        onStderr: (line, interrupt) => line.startsWith('{"event":"progress"') && interrupt(),
      });
      expect(first.code).toBe(130);

      const restarted = await runCli(
        ['logs-to-steps', '--all', '--json', '--batch-size', '3', '--restart'],
        db.url,
        {
          onStderr: (line, interrupt) => line.startsWith('{"event":"progress"') && interrupt(),
        },
      );
      const rest = await jsonOf(['logs-to-steps', '--all', '--batch-size', '3'], db.url);

      // The first files were rebuilt before the restart, so the restarted walk finds them already right.
      expect(restarted.json()).toMatchObject({
        resumedAfterFileId: null,
        totalFiles: 3 * (1 + inFlight),
        totalStepsCreated: 0,
      });
      expect(rest).toMatchObject({
        resumedAfterFileId: restarted.json().lastFileId as number,
        totalFiles: ALL_FILES,
      });
    });

    it('a legacy log without a timestamp is ignored by the backfill, and verify names the row it cannot place', async () => {
      const db = await migratedLegacyDatabase(backend, 'notime');
      const { sql, close } = await openSql(db.url);
      try {
        // Were it placed anywhere, this failure would decide the step's status.
        await sql.write(
          `INSERT INTO processing_logs (file_id, task_id, step_name, status, message, timestamp)
           VALUES (:fileId, 'task-x', 'extract_text', 'failure', 'no time', NULL)`,
          { fileId: db.id('retried') },
        );
      } finally {
        await close();
      }

      const result = await jsonOf(['logs-to-steps'], db.url);
      const verify = await runCli(['verify', '--file-id', String(db.id('retried'))], db.url);

      expect(totalsOf(result)).toMatchObject({ filesFailed: 0, eventsIgnored: 4 });
      const after = await openSql(db.url);
      try {
        const retried = await stepsOf(after.sql, db.id('retried'));
        expect(retried.extract_text).toEqual({ ...done(old(64), 2), startedAt: isoOf(old(60)) });
      } finally {
        await after.close();
      }
      expect(verify.code).toBe(1);
      expect(verify.stderr).toMatch(/processing_logs row \d+ \(file \d+\) has no timestamp/);
    });

    it('--file-id rebuilds one file, and an id that names no file is a usage error', async () => {
      const db = await migratedLegacyDatabase(backend, 'onefile');

      const one = await jsonOf(['logs-to-steps', '--file-id', String(db.id('retried'))], db.url);
      const missing = await runCli(['logs-to-steps', '--file-id', '987654'], db.url);

      expect(totalsOf(one)).toMatchObject({ totalFiles: 1, filesMigrated: 1, totalStepsCreated: 1 });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('File 987654 does not exist');
    });
  });
}
