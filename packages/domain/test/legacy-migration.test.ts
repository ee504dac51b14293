import { describe, expect, it } from 'vitest';
import { LegacyMigration, initialState, type MigrationTotals, type NewLogEntry, type Repositories } from '../src/index.js';
import { at, newFile, setup, snapshot, unwrap } from './support/fixtures.js';

type Context = ReturnType<typeof setup>;
type LegacyLog = [stepName: string | null, status: string | null, seconds: number, message?: string];

/** A DocuElevate file: a file row and its logs, no step rows. */
async function legacyFile(context: Context, logs: LegacyLog[]): Promise<number> {
  return context.store.unitOfWork.transaction(async (repos) => {
    const file = await repos.files.create(newFile({ filehash: `legacy-${logs.length}` }));
    for (const [stepName, status, seconds, message] of logs) {
      const entry: NewLogEntry = { fileId: file.id, taskId: null, stepName, status, message: message ?? null, detail: null, occurredAt: at(seconds) };
      await repos.logs.append(entry);
    }
    return file.id;
  });
}

const ranTwice: LegacyLog[] = [
  ['hash_file', 'in_progress', 1],
  ['hash_file', 'FAILURE', 2, 'io error'],
  ['hash_file', 'queued', 3],
  ['hash_file', 'in_progress', 4],
  ['hash_file', 'SUCCESS', 5],
  ['check_text', 'skipped', 6],
  ['send_to_user_destinations', 'success', 7],
  [null, 'success', 8, 'task done'],
  ['poll_task', 'waiting', 9],
];

const totals = (fields: Partial<MigrationTotals>): MigrationTotals => ({
  totalFiles: 0,
  filesMigrated: 0,
  filesFailed: 0,
  totalStepsCreated: 0,
  totalStepsUpdated: 0,
  totalStepsSkipped: 0,
  eventsIgnored: 0,
  errors: [],
  ...fields,
});

describe('LegacyMigration.migrateLogsToSteps', () => {
  it('rebuilds every step of a file from its logs with the fold, and its rollup', async () => {
    const context = setup();
    const fileId = await legacyFile(context, ranTwice);
    context.clock.set(at(100));
    expect(unwrap(await context.migration.migrateLogsToSteps(fileId))).toEqual(
      totals({ totalFiles: 1, filesMigrated: 1, totalStepsCreated: 4, eventsIgnored: 1 }),
    );
    const steps = await context.store.reads.steps.listForFile(fileId);
    expect(steps.map((step) => [step.stepName, step.status])).toEqual([
      ['hash_file', 'success'],
      ['check_text', 'skipped'],
      ['send_to_user_destinations', 'success'],
      ['poll_task', 'pending'],
    ]);
    expect(steps[0]).toMatchObject({ startedAt: at(1), completedAt: at(5), errorMessage: null, attempts: 2 });
    expect((await context.store.reads.files.get(fileId))?.rollup).toEqual({
      status: 'completed',
      hasErrors: false,
      totalSteps: 3,
      completedSteps: 2,
      failedSteps: 0,
      inProgressSteps: 0,
      skippedSteps: 1,
      lastStep: 'send_to_user_destinations',
      statusChangedAt: at(100),
    });
  });

  it('a second run finds every step unchanged and writes nothing', async () => {
    const context = setup();
    const fileId = await legacyFile(context, ranTwice);
    await context.migration.migrateLogsToSteps(fileId);
    const before = await snapshot(context.store);
    expect(unwrap(await context.migration.migrateLogsToSteps(fileId))).toMatchObject({ totalStepsSkipped: 4, totalStepsCreated: 0 });
    expect(await snapshot(context.store)).toEqual(before);
  });

  it('a dry run counts what it would do and changes nothing', async () => {
    const context = setup();
    const fileId = await legacyFile(context, ranTwice);
    const before = await snapshot(context.store);
    expect(unwrap(await context.migration.migrateLogsToSteps(fileId, { dryRun: true }))).toMatchObject({ totalStepsCreated: 4, eventsIgnored: 1 });
    expect(await snapshot(context.store)).toEqual(before);
  });

  it('a step seen only through ignored events is created as pending', async () => {
    const context = setup();
    const fileId = await legacyFile(context, [['extract_text', 'started', 1], ['extract_text', null, 2]]);
    await context.migration.migrateLogsToSteps(fileId);
    expect(await context.store.reads.steps.get(fileId, 'extract_text')).toMatchObject({ ...initialState(), stepName: 'extract_text' });
  });

  it('log rows with the same timestamp are folded by id, so start and finish never swap', async () => {
    const context = setup();
    const fileId = await legacyFile(context, [['hash_file', 'in_progress', 1], ['hash_file', 'success', 1]]);
    await context.migration.migrateLogsToSteps(fileId);
    expect((await context.store.reads.steps.get(fileId, 'hash_file'))?.status).toBe('success');
  });

  it('an unknown file is FILE_NOT_FOUND', async () => {
    expect(await setup().migration.migrateLogsToSteps(4)).toMatchObject({ ok: false, error: { code: 'FILE_NOT_FOUND' } });
  });
});

describe('LegacyMigration.migrateAllFiles', () => {
  async function mixed(context: Context) {
    const a = await legacyFile(context, ranTwice);
    const tracked = await context.tracker.registerFile(newFile({ filehash: 'tracked' }));
    unwrap(await context.tracker.updateStepStatus(tracked.id, 'hash_file', 'success'));
    const noLogs = await legacyFile(context, []);
    const b = await legacyFile(context, [['hash_file', 'failure', 1, 'bad']]);
    const c = await legacyFile(context, [['hash_file', 'in_progress', 1]]);
    return { a, tracked: tracked.id, noLogs, b, c };
  }

  it('migrates the files that have logs and no step rows, in id order, one batch at a time', async () => {
    const context = setup();
    const ids = await mixed(context);
    const batches: Array<[number, number]> = [];
    const result = await context.migration.migrateAllFiles({
      batchSize: 2,
      onBatch: (running, lastFileId) => void batches.push([lastFileId, running.totalFiles]),
    });
    expect(result).toEqual(totals({ totalFiles: 3, filesMigrated: 3, totalStepsCreated: 6, eventsIgnored: 1 }));
    expect(batches).toEqual([[ids.b, 2], [ids.c, 3]]);
    expect(await context.store.reads.steps.listForFile(ids.noLogs)).toEqual([]);
    expect((await context.store.reads.files.get(ids.b))?.rollup).toMatchObject({ status: 'failed', hasErrors: true, lastStep: 'hash_file' });
  });

  it('resumes after a given file id', async () => {
    const context = setup();
    const ids = await mixed(context);
    const result = await context.migration.migrateAllFiles({ afterId: ids.b });
    expect(result).toMatchObject({ totalFiles: 1, filesMigrated: 1, totalStepsCreated: 1 });
    expect(await context.store.reads.steps.listForFile(ids.a)).toEqual([]);
  });

  it('mode all re-derives every file with logs and repairs rows that drifted', async () => {
    const context = setup();
    const ids = await mixed(context);
    await context.migration.migrateAllFiles();
    await context.store.unitOfWork.transaction((repos) => repos.steps.saveState(ids.b, 'hash_file', { ...initialState(), status: 'success' }));
    const result = await context.migration.migrateAllFiles({ mode: 'all' });
    expect(result).toMatchObject({ totalFiles: 4, filesMigrated: 4, totalStepsUpdated: 1, totalStepsCreated: 0 });
    expect(await context.store.reads.steps.get(ids.b, 'hash_file')).toMatchObject({ status: 'failure', errorMessage: 'bad' });
    expect(unwrap(await context.migration.verifyMigration(ids.b)).valid).toBe(true);
  });

  it('a dry run walks every candidate and changes nothing', async () => {
    const context = setup();
    await mixed(context);
    const before = await snapshot(context.store);
    expect(await context.migration.migrateAllFiles({ dryRun: true, batchSize: 1 })).toMatchObject({ totalFiles: 3, totalStepsCreated: 6 });
    expect(await snapshot(context.store)).toEqual(before);
  });

  it('a file that cannot be migrated is reported and the rest of its batch still commits', async () => {
    const context = setup();
    const ids = await mixed(context);
    const failing = ids.b;
    const unitOfWork = {
      transaction: <T>(work: (repos: Repositories) => Promise<T>) =>
        context.store.unitOfWork.transaction((repos) =>
          work({
            ...repos,
            legacy: {
              ...repos.legacy,
              rebuildSteps: async (fileIds, dryRun) => {
                if (fileIds.includes(failing)) throw new Error(`file ${failing} is corrupt`);
                return repos.legacy.rebuildSteps(fileIds, dryRun);
              },
            },
          }),
        ),
    };
    const migration = new LegacyMigration({ unitOfWork, reads: context.store.reads, clock: context.clock });
    const result = await migration.migrateAllFiles({ batchSize: 10 });
    expect(result).toMatchObject({ totalFiles: 3, filesMigrated: 2, filesFailed: 1, errors: [{ fileId: failing, message: `file ${failing} is corrupt` }] });
    expect(await context.store.reads.steps.listForFile(failing)).toEqual([]);
    expect((await context.store.reads.steps.listForFile(ids.c)).map((step) => step.status)).toEqual(['in_progress']);
  });
});

describe('LegacyMigration verification', () => {
  it('a legacy file is invalid before its migration and valid after it', async () => {
    const context = setup();
    const fileId = await legacyFile(context, ranTwice);
    const before = unwrap(await context.migration.verifyMigration(fileId));
    expect(before.valid).toBe(false);
    expect(before.discrepancies.filter((found) => found.kind === 'missing_step').map((found) => found.stepName)).toEqual([
      'hash_file',
      'check_text',
      'send_to_user_destinations',
    ]);
    await context.migration.migrateLogsToSteps(fileId);
    expect(unwrap(await context.migration.verifyMigration(fileId))).toEqual({ fileId, valid: true, discrepancies: [] });
  });

  it('verifying an unknown file is FILE_NOT_FOUND', async () => {
    expect(await setup().migration.verifyMigration(1)).toMatchObject({ ok: false, error: { code: 'FILE_NOT_FOUND' } });
  });

  it('verifyAll checks every file in id order and counts the invalid ones', async () => {
    const context = setup();
    const first = await legacyFile(context, ranTwice);
    const tracked = await context.tracker.registerFile(newFile({ filehash: 'x' }));
    unwrap(await context.tracker.updateStepStatus(tracked.id, 'hash_file', 'failure', { errorMessage: 'e' }));
    const third = await legacyFile(context, [['hash_file', 'success', 1]]);
    await context.migration.migrateLogsToSteps(third);
    const seen: Array<[number, boolean]> = [];
    const summary = await context.migration.verifyAll((verification) => void seen.push([verification.fileId, verification.valid]), 2);
    expect(summary).toEqual({ filesChecked: 3, filesInvalid: 1 });
    expect(seen).toEqual([[first, false], [tracked.id, true], [third, true]]);
  });
});
