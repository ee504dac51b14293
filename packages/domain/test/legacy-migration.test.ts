import { describe, expect, it } from 'vitest';
import { initialState } from '../src/index.js';
import { at, newFile, setup, snapshot, unwrap } from './support/fixtures.js';
import { legacyFile, ranTwice, totals } from './support/legacy-files.js';

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
    context.clock.set(at(500));
    expect(unwrap(await context.migration.migrateLogsToSteps(fileId))).toMatchObject({
      totalStepsSkipped: 4,
      totalStepsCreated: 0,
    });
    expect(await snapshot(context.store)).toEqual(before);
  });

  it('a dry run counts what it would do and changes nothing', async () => {
    const context = setup();
    const fileId = await legacyFile(context, ranTwice);
    const before = await snapshot(context.store);
    expect(unwrap(await context.migration.migrateLogsToSteps(fileId, { dryRun: true }))).toMatchObject({
      totalStepsCreated: 4,
      eventsIgnored: 1,
    });
    expect(await snapshot(context.store)).toEqual(before);
  });

  it('a step seen only through ignored events is created as pending', async () => {
    const context = setup();
    const fileId = await legacyFile(context, [
      ['extract_text', 'started', 1],
      ['extract_text', null, 2],
    ]);
    await context.migration.migrateLogsToSteps(fileId);
    expect(await context.store.reads.steps.get(fileId, 'extract_text')).toMatchObject({
      ...initialState(),
      stepName: 'extract_text',
    });
  });

  it('log rows with the same timestamp are folded by id, so start and finish never swap', async () => {
    const context = setup();
    const fileId = await legacyFile(context, [
      ['hash_file', 'in_progress', 1],
      ['hash_file', 'success', 1],
    ]);
    await context.migration.migrateLogsToSteps(fileId);
    expect((await context.store.reads.steps.get(fileId, 'hash_file'))?.status).toBe('success');
  });

  it('an unknown file is FILE_NOT_FOUND', async () => {
    expect(await setup().migration.migrateLogsToSteps(4)).toMatchObject({
      ok: false,
      error: { code: 'FILE_NOT_FOUND' },
    });
  });
});

describe('LegacyMigration verification', () => {
  it('a legacy file is invalid before its migration and valid after it', async () => {
    const context = setup();
    const fileId = await legacyFile(context, ranTwice);
    const before = unwrap(await context.migration.verifyMigration(fileId));
    expect(before.valid).toBe(false);
    expect(
      before.discrepancies.filter((found) => found.kind === 'missing_step').map((found) => found.stepName),
    ).toEqual(['hash_file', 'check_text', 'send_to_user_destinations']);
    await context.migration.migrateLogsToSteps(fileId);
    expect(unwrap(await context.migration.verifyMigration(fileId))).toEqual({
      fileId,
      valid: true,
      discrepancies: [],
    });
  });

  it('verifying an unknown file is FILE_NOT_FOUND', async () => {
    expect(await setup().migration.verifyMigration(1)).toMatchObject({
      ok: false,
      error: { code: 'FILE_NOT_FOUND' },
    });
  });

  it('verifyAll checks every file in id order and counts the invalid ones', async () => {
    const context = setup();
    const first = await legacyFile(context, ranTwice);
    const tracked = await context.tracker.registerFile(newFile({ filehash: 'x' }));
    unwrap(await context.tracker.updateStepStatus(tracked.id, 'hash_file', 'failure', { errorMessage: 'e' }));
    const third = await legacyFile(context, [['hash_file', 'success', 1]]);
    await context.migration.migrateLogsToSteps(third);
    const seen: Array<[number, boolean]> = [];
    const summary = await context.migration.verifyAll(
      (verification) => void seen.push([verification.fileId, verification.valid]),
      2,
    );
    expect(summary).toEqual({ filesChecked: 3, filesInvalid: 1 });
    expect(seen).toEqual([
      [first, false],
      [tracked.id, true],
      [third, true],
    ]);
  });
});
