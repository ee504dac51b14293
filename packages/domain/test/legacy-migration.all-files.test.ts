import { describe, expect, it } from 'vitest';
import { LegacyMigration, initialState, type Repositories } from '../src/index.js';
import { newFile, setup, snapshot, unwrap } from './support/fixtures.js';
import { legacyFile, ranTwice, totals, type Context } from './support/legacy-files.js';

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
    expect(result).toEqual(
      totals({ totalFiles: 3, filesMigrated: 3, totalStepsCreated: 6, eventsIgnored: 1 }),
    );
    expect(batches).toEqual([
      [ids.b, 2],
      [ids.c, 3],
    ]);
    expect(await context.store.reads.steps.listForFile(ids.noLogs)).toEqual([]);
    expect((await context.store.reads.files.get(ids.b))?.rollup).toMatchObject({
      status: 'failed',
      hasErrors: true,
      lastStep: 'hash_file',
    });
  });

  it('resumes after a given file id', async () => {
    const context = setup();
    const ids = await mixed(context);
    const result = await context.migration.migrateAllFiles({ afterId: ids.b });
    expect(result).toMatchObject({ totalFiles: 1, filesMigrated: 1, totalStepsCreated: 1 });
    expect(await context.store.reads.steps.listForFile(ids.a)).toEqual([]);
  });

  it('mode all re-derives every file, those without logs included, and repairs rows that drifted', async () => {
    const context = setup();
    const ids = await mixed(context);
    await context.migration.migrateAllFiles();
    await context.store.unitOfWork.transaction((repos) =>
      repos.steps.saveState(ids.b, 'hash_file', { ...initialState(), status: 'success' }),
    );
    const result = await context.migration.migrateAllFiles({ mode: 'all' });
    expect(result).toMatchObject({
      totalFiles: 5,
      filesMigrated: 5,
      totalStepsUpdated: 1,
      totalStepsCreated: 0,
    });
    expect(await context.store.reads.steps.get(ids.b, 'hash_file')).toMatchObject({
      status: 'failure',
      errorMessage: 'bad',
    });
    expect(unwrap(await context.migration.verifyMigration(ids.b)).valid).toBe(true);
  });

  it('a dry run walks every candidate and changes nothing', async () => {
    const context = setup();
    await mixed(context);
    const before = await snapshot(context.store);
    expect(await context.migration.migrateAllFiles({ dryRun: true, batchSize: 1 })).toMatchObject({
      totalFiles: 3,
      totalStepsCreated: 6,
    });
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
    expect(result).toMatchObject({
      totalFiles: 3,
      filesMigrated: 2,
      filesFailed: 1,
      errors: [{ fileId: failing, message: `file ${failing} is corrupt` }],
    });
    expect(await context.store.reads.steps.listForFile(failing)).toEqual([]);
    expect((await context.store.reads.steps.listForFile(ids.c)).map((step) => step.status)).toEqual([
      'in_progress',
    ]);
  });
});
