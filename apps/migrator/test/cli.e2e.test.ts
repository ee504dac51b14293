import { beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_TABLE } from '../src/sql/checkpoint-table.js';
import { LOGS_PER_BULK_FILE, plantBulkFixture, STEPS_PER_BULK_FILE } from './support/bulk-fixture.js';
import { ensureBuilt, runChild, startCli, type ChildRun } from './support/child-cli.js';
import { backends, databaseName, openSql, type Backend } from './support/databases.js';
import { plantLegacyFixture } from './support/legacy-fixture.js';
import { count } from './support/rows.js';

const BULK_FILES = 5000;
const BATCH = '1000';

const json = (run: ChildRun): Record<string, unknown> => JSON.parse(run.stdout) as Record<string, unknown>;
const isProgress = (line: string) => line.startsWith('{"event":"progress"');
const TOTAL_KEYS = [
  'totalFiles',
  'filesMigrated',
  'filesFailed',
  'totalStepsCreated',
  'totalStepsUpdated',
  'totalStepsSkipped',
  'eventsIgnored',
];
const totals = (document: Record<string, unknown>) =>
  Object.fromEntries(TOTAL_KEYS.map((key) => [key, document[key]]));

async function bulkDatabase(backend: Backend, prefix: string): Promise<string> {
  const url = await backend.freshDatabase(databaseName(prefix));
  const { sql, close } = await openSql(url);
  await plantBulkFixture(sql, backend.kind, BULK_FILES).finally(close);
  expect((await runChild(['schema', 'up'], url)).code).toBe(0);
  return url;
}

/** Starts a backfill and kills it (SIGKILL or SIGINT) once it has reported `batches` committed batches. */
async function stopAfter(args: string[], url: string, batches: number, signal: NodeJS.Signals) {
  let seen = 0;
  let lastReported: Record<string, unknown> | null = null;
  const { done } = startCli([...args, '--json', '--batch-size', BATCH], url, (line, child) => {
    if (!isProgress(line)) return;
    lastReported = JSON.parse(line) as Record<string, unknown>;
    if ((seen += 1) === batches) child.kill(signal);
  });
  const run = await done;
  return { run, lastReported: lastReported as Record<string, unknown> | null };
}

beforeAll(() => ensureBuilt());

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`steptrail-migrate as a process on ${backend.title}`, () => {
    it('schema up, backfill and verify exit 0; a planted discrepancy exits 1; a bad command line or URL exits 2', async () => {
      const url = await backend.freshDatabase(databaseName('e2e'));
      const { sql, close } = await openSql(url);
      const ids = await plantLegacyFixture(sql, backend.kind).finally(close);

      const up = await runChild(['schema', 'up'], url);
      const backfill = await runChild(['logs-to-steps', '--all'], url);
      const verified = await runChild(['verify', '--all'], url);
      expect(
        [up.code, backfill.code, verified.code],
        `${up.stderr}${backfill.stderr}${verified.stderr}`,
      ).toEqual([0, 0, 0]);
      expect(up.stdout).toContain('applied InitialSchema');
      expect(backfill.stdout).toMatch(/steps created\s+│\s+34 │/);

      const raw = await openSql(url);
      await raw.sql
        .write(
          `UPDATE file_processing_steps SET status = 'failure' WHERE file_id = :fileId AND step_name = 'hash_file'`,
          {
            fileId: ids.get('complete'),
          },
        )
        .finally(raw.close);
      const invalid = await runChild(['verify'], url);
      expect(invalid.code).toBe(1);
      expect(invalid.stdout).toContain('Step hash_file: status is failure but its logs say success.');

      const usage = await runChild(['verify', '--file-id', 'abc'], url);
      const missingFlag = await runChild(['prune'], url);
      const badUrl = await runChild(['verify', '--database-url', 'ftp://example/db'], url);
      expect([usage.code, missingFlag.code, badUrl.code]).toEqual([2, 2, 2]);
      expect(usage.stderr).toContain('--file-id "abc" is not a positive whole number');
      expect(missingFlag.stderr).toContain('prune needs --older-than DURATION');
      expect(badUrl.stderr).toContain('--database-url: DATABASE_URL scheme ftp: is not supported');
    });

    it('kill -9 in the middle of a backfill loses nothing and repeats nothing: the rerun continues and the totals add up', async () => {
      const url = await bulkDatabase(backend, 'kill');
      const reference = totals(json(await runChild(['logs-to-steps', '--dry-run', '--json'], url)));
      expect(reference).toMatchObject({
        totalFiles: BULK_FILES,
        totalStepsCreated: BULK_FILES * STEPS_PER_BULK_FILE,
      });

      const { run: killed, lastReported } = await stopAfter(['logs-to-steps'], url, 2, 'SIGKILL');
      expect(killed.signal).toBe('SIGKILL');
      expect(lastReported).not.toBeNull();
      const resumed = await runChild(['logs-to-steps', '--json', '--batch-size', BATCH], url);

      expect(resumed.code, resumed.stderr).toBe(0);
      const result = json(resumed);
      // The batch after the last one reported may have committed before the kill landed: never an earlier one.
      expect(result.resumedAfterFileId).toBeGreaterThanOrEqual(lastReported?.lastFileId as number);
      expect(totals(result)).toEqual(reference);
      const thisRun = result.thisRun as Record<string, unknown>;
      expect(thisRun).toMatchObject({ totalStepsUpdated: 0, totalStepsSkipped: 0 });
      expect(thisRun.totalFiles).toBeLessThanOrEqual(BULK_FILES - (lastReported?.totalFiles as number));
      expect((BULK_FILES - (thisRun.totalFiles as number)) % Number(BATCH)).toBe(0);
      const { sql, close } = await openSql(url);
      try {
        expect(await count(sql, 'file_processing_steps')).toBe(BULK_FILES * STEPS_PER_BULK_FILE);
        expect(await count(sql, CHECKPOINT_TABLE)).toBe(0);
        expect(await count(sql, 'processing_logs')).toBe(BULK_FILES * LOGS_PER_BULK_FILE);
      } finally {
        await close();
      }
      expect((await runChild(['verify'], url)).code).toBe(0);
    });

    it('kill -9 during a repair (--all) resumes after the last committed batch as well', async () => {
      const url = await bulkDatabase(backend, 'killall');
      expect((await runChild(['logs-to-steps'], url)).code).toBe(0);
      const reference = totals(json(await runChild(['logs-to-steps', '--all', '--dry-run', '--json'], url)));

      const { run: killed, lastReported } = await stopAfter(['logs-to-steps', '--all'], url, 3, 'SIGKILL');
      expect(killed.signal).toBe('SIGKILL');
      const resumed = await runChild(['logs-to-steps', '--all', '--json', '--batch-size', BATCH], url);

      expect(resumed.code, resumed.stderr).toBe(0);
      expect(json(resumed).resumedAfterFileId).toBeGreaterThanOrEqual(lastReported?.lastFileId as number);
      expect(totals(json(resumed))).toEqual(reference);
    });

    it('Ctrl-C finishes the batches in hand, exits 130 with the totals so far, and the next run completes', async () => {
      const url = await bulkDatabase(backend, 'sigint');

      const { run: stopped } = await stopAfter(['logs-to-steps'], url, 1, 'SIGINT');
      expect(stopped.code, stopped.stderr).toBe(130);
      expect(stopped.stderr).toContain('Stopping after the batches in hand');
      const partial = json(stopped);
      expect(partial.interrupted).toBe(true);
      expect(partial.totalFiles).toBeGreaterThan(0);
      const rest = await runChild(['logs-to-steps', '--json', '--batch-size', BATCH], url);

      expect(rest.code, rest.stderr).toBe(0);
      expect(json(rest)).toMatchObject({ totalFiles: BULK_FILES, resumedAfterFileId: partial.lastFileId });
    });
  });
}
