import { describe, expect, it } from 'vitest';
import { at, newFile, setup, snapshot, unwrap } from './support/fixtures.js';

async function fileWithFailures(managed = false) {
  const context = setup();
  const file = await context.tracker.registerFile(newFile({ managed }));
  context.clock.set(at(1));
  unwrap(await context.tracker.updateStepStatus(file.id, 'hash_file', 'in_progress'));
  context.clock.set(at(2));
  unwrap(
    await context.tracker.updateStepStatus(file.id, 'hash_file', 'failure', { errorMessage: 'io error' }),
  );
  unwrap(
    await context.tracker.updateStepStatus(file.id, 'check_text', 'failure', { errorMessage: 'no text' }),
  );
  unwrap(await context.tracker.updateStepStatus(file.id, 'extract_text', 'success'));
  context.clock.set(at(10));
  return { ...context, file };
}

describe('StepTracker.retryFailedSteps', () => {
  it('re-queues every failed step with a pending event, keeping the error and the attempts', async () => {
    const { tracker, store, file } = await fileWithFailures();
    expect(unwrap(await tracker.retryFailedSteps(file.id))).toEqual(['hash_file', 'check_text']);
    expect(await store.reads.steps.get(file.id, 'hash_file')).toMatchObject({
      status: 'pending',
      startedAt: at(1),
      completedAt: null,
      errorMessage: 'io error',
      attempts: 1,
    });
    const logs = await store.reads.logs.listForStep(file.id, 'hash_file');
    expect(logs.at(-1)).toMatchObject({
      status: 'pending',
      message: 'Re-queued for retry by request',
      occurredAt: at(10),
    });
  });

  it('a retried step that was attempted before makes the file processing', async () => {
    const { tracker, store, file } = await fileWithFailures();
    await tracker.retryFailedSteps(file.id);
    expect((await store.reads.files.get(file.id))?.rollup).toMatchObject({
      status: 'processing',
      hasErrors: false,
      statusChangedAt: at(10),
    });
  });

  it('retries only the named steps', async () => {
    const { tracker, store, file } = await fileWithFailures();
    expect(unwrap(await tracker.retryFailedSteps(file.id, ['check_text']))).toEqual(['check_text']);
    expect((await store.reads.steps.get(file.id, 'hash_file'))?.status).toBe('failure');
    expect((await store.reads.files.get(file.id))?.rollup.status).toBe('failed');
  });

  it('a managed file’s retried steps are runnable at once', async () => {
    const { tracker, store, file } = await fileWithFailures(true);
    await tracker.retryFailedSteps(file.id);
    expect((await store.reads.steps.get(file.id, 'check_text'))?.runAfter).toEqual(at(10));
  });

  it('with no failed steps there is nothing to retry', async () => {
    const context = setup();
    const file = await context.tracker.registerFile(newFile());
    expect(await context.tracker.retryFailedSteps(file.id)).toEqual({ ok: true, value: [] });
  });

  it.each([
    [
      'a step that did not fail is NOT_RETRYABLE',
      1,
      ['hash_file', 'extract_text'],
      'NOT_RETRYABLE',
      /Step extract_text of file 1 is success/,
    ],
    [
      'a step without a row is NOT_RETRYABLE',
      1,
      ['upload_to_s3'],
      'NOT_RETRYABLE',
      /upload_to_s3 of file 1 does not exist/,
    ],
    ['an unknown file is FILE_NOT_FOUND', 5, undefined, 'FILE_NOT_FOUND', /File 5 does not exist/],
  ])('%s and nothing is re-queued', async (_rule, fileId, steps, code, message) => {
    const { tracker, store } = await fileWithFailures();
    const before = await snapshot(store);
    const result = await tracker.retryFailedSteps(fileId, steps);
    expect(result).toMatchObject({ ok: false, error: { code } });
    expect(result.ok ? '' : result.error.message).toMatch(message);
    expect(await snapshot(store)).toEqual(before);
  });
});

describe('StepTracker.setDuplicate', () => {
  it('marking a file duplicate sets the rollup to duplicate with all counts 0', async () => {
    const { tracker, store, file } = await fileWithFailures();
    const updated = unwrap(await tracker.setDuplicate(file.id, true, 77));
    expect(updated).toMatchObject({ isDuplicate: true, duplicateOfId: 77 });
    const stored = await store.reads.files.get(file.id);
    expect(stored).toMatchObject({ isDuplicate: true, duplicateOfId: 77 });
    expect(stored?.rollup).toMatchObject({
      status: 'duplicate',
      hasErrors: false,
      totalSteps: 0,
      failedSteps: 0,
      statusChangedAt: at(10),
    });
  });

  it('clearing the mark brings back the status of the steps and forgets the original', async () => {
    const { tracker, store, file } = await fileWithFailures();
    await tracker.setDuplicate(file.id, true, 77);
    unwrap(await tracker.setDuplicate(file.id, false, 77));
    const stored = await store.reads.files.get(file.id);
    expect(stored).toMatchObject({ isDuplicate: false, duplicateOfId: null });
    expect(stored?.rollup).toMatchObject({
      status: 'failed',
      hasErrors: true,
      totalSteps: 8,
      failedSteps: 2,
      completedSteps: 1,
    });
  });

  it('an unknown file is FILE_NOT_FOUND', async () => {
    const { tracker } = await fileWithFailures();
    expect(await tracker.setDuplicate(3, true)).toMatchObject({
      ok: false,
      error: { code: 'FILE_NOT_FOUND' },
    });
  });
});

describe('StepTracker.deleteFile', () => {
  it('deletes the file and its step rows; its history stays', async () => {
    const { tracker, store, file } = await fileWithFailures();
    const other = await tracker.registerFile(newFile({ filehash: 'other' }));
    const logsBefore = await store.reads.logs.listSince(0, 100);
    expect(await tracker.deleteFile(file.id)).toEqual({ ok: true, value: true });
    expect(await store.reads.files.get(file.id)).toBeNull();
    expect(await store.reads.steps.listForFile(file.id)).toEqual([]);
    expect(await store.reads.steps.listForFile(other.id)).toHaveLength(8);
    expect(await store.reads.logs.listSince(0, 100)).toEqual(logsBefore);
  });

  it('deleting a file twice is FILE_NOT_FOUND the second time', async () => {
    const { tracker, file } = await fileWithFailures();
    await tracker.deleteFile(file.id);
    expect(await tracker.deleteFile(file.id)).toMatchObject({ ok: false, error: { code: 'FILE_NOT_FOUND' } });
  });
});
