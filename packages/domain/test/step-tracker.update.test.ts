import { describe, expect, it } from 'vitest';
import type { StepUpdateOptions } from '../src/index.js';
import { at, newFile, setup, snapshot, unwrap } from './support/fixtures.js';

async function withFile(managed = false) {
  const context = setup();
  const file = await context.tracker.registerFile(newFile({ managed }));
  return { ...context, file };
}

describe('StepTracker.updateStepStatus', () => {
  it('writes the log row, the step row and the file rollup together', async () => {
    const { tracker, store, clock, file } = await withFile();
    clock.set(at(10));
    const applied = unwrap(
      await tracker.updateStepStatus(file.id, 'hash_file', 'in_progress', {
        message: 'start',
        detail: 'd',
        taskId: 't-1',
      }),
    );

    const logs = await store.reads.logs.listForStep(file.id, 'hash_file');
    expect(logs).toEqual([
      {
        id: 1,
        fileId: file.id,
        stepName: 'hash_file',
        status: 'in_progress',
        message: 'start',
        detail: 'd',
        taskId: 't-1',
        occurredAt: at(10),
      },
    ]);
    expect(await store.reads.steps.get(file.id, 'hash_file')).toMatchObject({
      status: 'in_progress',
      startedAt: at(10),
      attempts: 1,
      lastEvent: { id: 1, occurredAt: at(10) },
    });
    expect((await store.reads.files.get(file.id))?.rollup).toEqual({
      status: 'processing',
      hasErrors: false,
      totalSteps: 8,
      completedSteps: 0,
      failedSteps: 0,
      inProgressSteps: 1,
      skippedSteps: 0,
      lastStep: 'hash_file',
      statusChangedAt: at(10),
    });
    expect(applied).toMatchObject({
      log: logs[0],
      step: { status: 'in_progress' },
      rollup: { status: 'processing' },
    });
  });

  it('statusChangedAt moves only when the overall status changes', async () => {
    const { tracker, store, clock, file } = await withFile();
    clock.set(at(10));
    await tracker.updateStepStatus(file.id, 'hash_file', 'in_progress');
    clock.set(at(20));
    await tracker.updateStepStatus(file.id, 'create_file_record', 'in_progress');
    await tracker.updateStepStatus(file.id, 'hash_file', 'success');
    expect((await store.reads.files.get(file.id))?.rollup).toMatchObject({
      status: 'processing',
      lastStep: 'hash_file',
      statusChangedAt: at(10),
    });
    clock.set(at(30));
    await tracker.updateStepStatus(file.id, 'create_file_record', 'failure');
    expect((await store.reads.files.get(file.id))?.rollup).toMatchObject({
      status: 'failed',
      statusChangedAt: at(30),
    });
  });

  it.each<[string, string, string, StepUpdateOptions, string]>([
    ['an unknown status is UNKNOWN_STATUS', 'hash_file', 'done', {}, 'UNKNOWN_STATUS'],
    [
      'an upper-case status is UNKNOWN_STATUS at the write boundary',
      'hash_file',
      'SUCCESS',
      {},
      'UNKNOWN_STATUS',
    ],
    ['an invalid step name is INVALID_STEP_NAME', 'Hash File', 'success', {}, 'INVALID_STEP_NAME'],
    [
      'errorMessage with a status other than failure is INVALID_EVENT',
      'hash_file',
      'success',
      { errorMessage: 'x' },
      'INVALID_EVENT',
    ],
    [
      'a failure with two different texts is INVALID_EVENT',
      'hash_file',
      'failure',
      { errorMessage: 'a', message: 'b' },
      'INVALID_EVENT',
    ],
    [
      'startedAt with a status other than in_progress is INVALID_EVENT',
      'hash_file',
      'success',
      { startedAt: at(1) },
      'INVALID_EVENT',
    ],
    [
      'completedAt with in_progress is INVALID_EVENT',
      'hash_file',
      'in_progress',
      { completedAt: at(1) },
      'INVALID_EVENT',
    ],
    [
      'completedAt with pending is INVALID_EVENT',
      'hash_file',
      'pending',
      { completedAt: at(1) },
      'INVALID_EVENT',
    ],
    [
      'occurredAt and completedAt naming different instants is INVALID_EVENT',
      'hash_file',
      'success',
      { occurredAt: at(1), completedAt: at(2) },
      'INVALID_EVENT',
    ],
    [
      'an invalid date is INVALID_EVENT',
      'hash_file',
      'success',
      { occurredAt: new Date(Number.NaN) },
      'INVALID_EVENT',
    ],
  ])('%s and leaves storage unchanged', async (_rule, stepName, status, options, code) => {
    const { tracker, store, file } = await withFile();
    const before = await snapshot(store);
    const result = await tracker.updateStepStatus(file.id, stepName, status, options);
    expect(result).toMatchObject({ ok: false, error: { code } });
    expect(await snapshot(store)).toEqual(before);
  });

  it('an unknown file is FILE_NOT_FOUND and leaves storage unchanged', async () => {
    const { tracker, store } = await withFile();
    const before = await snapshot(store);
    expect(await tracker.updateStepStatus(999, 'hash_file', 'success')).toEqual({
      ok: false,
      error: { code: 'FILE_NOT_FOUND', message: 'File 999 does not exist.', details: { fileId: 999 } },
    });
    expect(await snapshot(store)).toEqual(before);
  });

  it('a late in_progress event does not undo success', async () => {
    const { tracker, store, file } = await withFile();
    unwrap(await tracker.updateStepStatus(file.id, 'hash_file', 'success', { occurredAt: at(5) }));
    const late = unwrap(
      await tracker.updateStepStatus(file.id, 'hash_file', 'in_progress', { occurredAt: at(2) }),
    );
    expect(late.refolded).toBe(true);
    expect(await store.reads.steps.get(file.id, 'hash_file')).toMatchObject({
      status: 'success',
      startedAt: at(2),
      completedAt: at(5),
      attempts: 1,
      lastEvent: { id: 1, occurredAt: at(5) },
    });
  });

  it('an event after the last one is applied in order without a re-fold', async () => {
    const { tracker, file } = await withFile();
    unwrap(await tracker.updateStepStatus(file.id, 'hash_file', 'in_progress', { occurredAt: at(1) }));
    const next = unwrap(
      await tracker.updateStepStatus(file.id, 'hash_file', 'success', { occurredAt: at(2) }),
    );
    expect(next.refolded).toBe(false);
    expect(next.step).toMatchObject({ status: 'success', startedAt: at(1), completedAt: at(2), attempts: 1 });
  });

  it('events in the same millisecond are applied in the order they were written', async () => {
    const { tracker, store, file } = await withFile();
    await tracker.updateStepStatus(file.id, 'hash_file', 'in_progress', { occurredAt: at(1) });
    await tracker.updateStepStatus(file.id, 'hash_file', 'success', { occurredAt: at(1) });
    expect((await store.reads.steps.get(file.id, 'hash_file'))?.status).toBe('success');
  });

  it('an update to a step outside the workflow creates its row', async () => {
    const { tracker, store, file } = await withFile();
    unwrap(await tracker.updateStepStatus(file.id, 'poll_task', 'success'));
    expect((await store.reads.steps.get(file.id, 'poll_task'))?.status).toBe('success');
    expect((await store.reads.files.get(file.id))?.rollup.totalSteps).toBe(8);
  });

  it('finishing a step of a managed file makes the next workflow step runnable at once', async () => {
    const { tracker, store, clock, file } = await withFile(true);
    clock.set(at(30));
    const applied = unwrap(await tracker.updateStepStatus(file.id, 'hash_file', 'success'));
    expect(applied.scheduled).toBe('create_file_record');
    expect((await store.reads.steps.get(file.id, 'create_file_record'))?.runAfter).toEqual(at(30));
    expect((await store.reads.steps.get(file.id, 'check_text'))?.runAfter).toBeNull();
  });

  it.each([
    ['a failure', 'failure'],
    ['an in_progress event', 'in_progress'],
  ])('%s schedules nothing', async (_case, status) => {
    const { tracker, file } = await withFile(true);
    expect(unwrap(await tracker.updateStepStatus(file.id, 'hash_file', status)).scheduled).toBeNull();
  });

  it('finishing a step of an unmanaged file schedules nothing', async () => {
    const { tracker, store, file } = await withFile(false);
    expect(unwrap(await tracker.updateStepStatus(file.id, 'hash_file', 'success')).scheduled).toBeNull();
    expect((await store.reads.steps.get(file.id, 'create_file_record'))?.runAfter).toBeNull();
  });
});
