import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKFLOW } from '../src/index.js';
import { at, newFile, setup, snapshot, unwrap, workflowOf } from './support/fixtures.js';

/** A file row without any step rows, as an external pipeline or DocuElevate leaves it. */
async function bareFile(context: ReturnType<typeof setup>) {
  return context.store.unitOfWork.transaction((repos) => repos.files.create(newFile()));
}

const stepNames = async (context: ReturnType<typeof setup>, fileId: number) =>
  (await context.store.reads.steps.listForFile(fileId)).map((step) => step.stepName);

describe('StepTracker.registerFile', () => {
  it('creates the file with a pending row for every workflow step, in workflow order', async () => {
    const context = setup();
    const file = await context.tracker.registerFile(newFile());
    expect(file).toMatchObject({
      id: 1,
      isDuplicate: false,
      duplicateOfId: null,
      workflow: DEFAULT_WORKFLOW,
    });
    expect(await stepNames(context, file.id)).toEqual([...DEFAULT_WORKFLOW.steps]);
    const rows = await context.store.reads.steps.listForFile(file.id);
    expect(
      rows.every((step) => step.status === 'pending' && step.attempts === 0 && step.lastEvent === null),
    ).toBe(true);
    expect((await context.store.reads.files.get(file.id))?.rollup).toMatchObject({
      status: 'pending',
      totalSteps: 8,
    });
  });

  it.each([
    ['a managed file has only its first step runnable', true, at(0)],
    ['an unmanaged file has no runnable step', false, null],
  ])('%s', async (_rule, managed, firstRunAfter) => {
    const context = setup();
    const file = await context.tracker.registerFile(newFile({ managed }));
    const rows = await context.store.reads.steps.listForFile(file.id);
    expect(rows.map((step) => step.runAfter)).toEqual([
      firstRunAfter,
      ...Array.from({ length: 7 }, () => null),
    ]);
  });

  it('registering a managed file wakes idle workers', async () => {
    const context = setup();
    const woken = context.store.workSignal.wait(60_000);
    await context.tracker.registerFile(newFile({ managed: true }));
    await expect(woken).resolves.toBeUndefined();
  });

  it('the file keeps the workflow it was created with', async () => {
    const context = setup();
    const workflow = workflowOf('short', ['hash_file', 'extract_text']);
    const file = await context.tracker.registerFile(newFile({ workflow }));
    expect((await context.store.reads.files.get(file.id))?.workflow).toEqual(workflow);
    expect(await stepNames(context, file.id)).toEqual(['hash_file', 'extract_text']);
  });
});

describe('StepTracker.initializeFileSteps', () => {
  it('creates pending rows for the workflow steps and refreshes the rollup', async () => {
    const context = setup();
    const file = await bareFile(context);
    expect(unwrap(await context.tracker.initializeFileSteps(file.id))).toEqual([...DEFAULT_WORKFLOW.steps]);
    expect((await context.store.reads.files.get(file.id))?.rollup.totalSteps).toBe(8);
  });

  it('is idempotent: a second call creates nothing', async () => {
    const context = setup();
    const file = await bareFile(context);
    await context.tracker.initializeFileSteps(file.id);
    expect(unwrap(await context.tracker.initializeFileSteps(file.id))).toEqual([]);
    expect(await stepNames(context, file.id)).toHaveLength(8);
  });

  it('never resets a row that already moved on', async () => {
    const context = setup();
    const file = await context.tracker.registerFile(newFile());
    unwrap(await context.tracker.updateStepStatus(file.id, 'hash_file', 'success'));
    expect(
      unwrap(await context.tracker.initializeFileSteps(file.id, ['hash_file', 'process_with_ocr'])),
    ).toEqual(['process_with_ocr']);
    expect((await context.store.reads.steps.get(file.id, 'hash_file'))?.status).toBe('success');
  });

  it.each([
    ['an invalid step name is INVALID_STEP_NAME', 1, ['hash_file', 'Bad Name'], 'INVALID_STEP_NAME'],
    ['an unknown file is FILE_NOT_FOUND', 42, undefined, 'FILE_NOT_FOUND'],
  ])('%s and creates nothing', async (_rule, fileId, steps, code) => {
    const context = setup();
    await bareFile(context);
    const before = await snapshot(context.store);
    expect(await context.tracker.initializeFileSteps(fileId, steps)).toMatchObject({
      ok: false,
      error: { code },
    });
    expect(await snapshot(context.store)).toEqual(before);
  });
});

describe('StepTracker.addUploadSteps', () => {
  it('adds queue_X and upload_to_X per destination, counted in the rollup', async () => {
    const context = setup();
    const file = await context.tracker.registerFile(newFile());
    expect(unwrap(await context.tracker.addUploadSteps(file.id, ['dropbox', 's3']))).toEqual([
      'queue_dropbox',
      'upload_to_dropbox',
      'queue_s3',
      'upload_to_s3',
    ]);
    expect((await context.store.reads.files.get(file.id))?.rollup.totalSteps).toBe(12);
  });

  it('is idempotent: existing upload rows are kept as they are', async () => {
    const context = setup();
    const file = await context.tracker.registerFile(newFile());
    await context.tracker.addUploadSteps(file.id, ['dropbox']);
    unwrap(await context.tracker.updateStepStatus(file.id, 'upload_to_dropbox', 'success'));
    expect(unwrap(await context.tracker.addUploadSteps(file.id, ['dropbox', 's3']))).toEqual([
      'queue_s3',
      'upload_to_s3',
    ]);
    expect((await context.store.reads.steps.get(file.id, 'upload_to_dropbox'))?.status).toBe('success');
  });

  it.each([
    ['a managed file reads processing: its new queue step is runnable at once', true, 'processing', true],
    [
      "an external pipeline's file keeps DocuElevate's rule: completed, nothing scheduled",
      false,
      'completed',
      false,
    ],
  ])('upload steps added after the terminal step finished: %s', async (_rule, managed, status, scheduled) => {
    const context = setup();
    const file = await context.tracker.registerFile(newFile({ managed }));
    for (const step of DEFAULT_WORKFLOW.steps)
      unwrap(await context.tracker.updateStepStatus(file.id, step, 'success'));
    expect((await context.store.reads.files.get(file.id))?.rollup.status).toBe('completed');

    unwrap(await context.tracker.addUploadSteps(file.id, ['nas']));

    expect((await context.store.reads.files.get(file.id))?.rollup.status).toBe(status);
    const queue = await context.store.reads.steps.get(file.id, 'queue_nas');
    expect(queue?.runAfter !== null).toBe(scheduled);
    expect((await context.store.reads.steps.get(file.id, 'upload_to_nas'))?.runAfter).toBeNull();
    const logs = await context.store.reads.logs.listForFiles([file.id]);
    expect(logs.filter((log) => log.stepName === 'queue_nas').map((log) => log.message)).toEqual(
      scheduled ? ['Queued: upload steps added after send_to_all_destinations had finished'] : [],
    );
  });

  it('upload steps added before the terminal step finished wait for it, unscheduled', async () => {
    const context = setup();
    const file = await context.tracker.registerFile(newFile({ managed: true }));
    unwrap(await context.tracker.addUploadSteps(file.id, ['nas']));
    expect((await context.store.reads.steps.get(file.id, 'queue_nas'))?.runAfter).toBeNull();
  });

  it.each([
    ['an invalid destination is INVALID_STEP_NAME', 1, ['dropbox', 'Drop Box'], 'INVALID_STEP_NAME'],
    ['an unknown file is FILE_NOT_FOUND', 9, ['dropbox'], 'FILE_NOT_FOUND'],
  ])('%s and adds nothing', async (_rule, fileId, destinations, code) => {
    const context = setup();
    await context.tracker.registerFile(newFile());
    const before = await snapshot(context.store);
    expect(await context.tracker.addUploadSteps(fileId, destinations)).toMatchObject({
      ok: false,
      error: { code },
    });
    expect(await snapshot(context.store)).toEqual(before);
  });
});

describe('StepTracker.logEvent', () => {
  it('a note naming a file, a step and a status is a state change', async () => {
    const context = setup();
    const file = await context.tracker.registerFile(newFile());
    const { logId } = unwrap(
      await context.tracker.logEvent(file.id, { stepName: 'hash_file', status: 'failure', message: 'bad' }),
    );
    expect(logId).toBe(1);
    expect(await context.store.reads.steps.get(file.id, 'hash_file')).toMatchObject({
      status: 'failure',
      errorMessage: 'bad',
    });
    expect((await context.store.reads.files.get(file.id))?.rollup.status).toBe('failed');
  });

  it.each([
    [
      'a task-level row without a file',
      null,
      { status: 'success', message: 'task done', taskId: 'celery-1' },
    ],
    ['a note without a status', 1, { stepName: 'hash_file', message: 'looking at bytes' }],
    ['a file-level note without a step', 1, { status: 'in_progress', message: 'pipeline started' }],
  ])('%s is appended to the history only', async (_case, fileId, note) => {
    const context = setup();
    await context.tracker.registerFile(newFile());
    context.clock.set(at(9));
    const { logId } = unwrap(await context.tracker.logEvent(fileId, note));
    const [log] = await context.store.reads.logs.listSince(0, 10);
    expect(log).toEqual({
      id: logId,
      fileId,
      stepName: null,
      status: null,
      detail: null,
      taskId: null,
      occurredAt: at(9),
      ...note,
    });
    const steps = await context.store.reads.steps.listForFile(1);
    expect(steps.every((step) => step.status === 'pending' && step.lastEvent === null)).toBe(true);
  });

  it('a note naming a real step that has no row keeps the file verifiably consistent', async () => {
    const context = setup();
    const file = await context.tracker.registerFile(newFile());
    unwrap(
      await context.tracker.logEvent(file.id, {
        stepName: 'process_with_ocr',
        message: 'OCR engine warming up',
      }),
    );
    expect(await context.store.reads.steps.get(file.id, 'process_with_ocr')).toBeNull();
    expect(unwrap(await context.migration.verifyMigration(file.id))).toEqual({
      fileId: file.id,
      valid: true,
      discrepancies: [],
    });
  });

  it.each([
    ['an unknown status is UNKNOWN_STATUS', 1, { stepName: 'hash_file', status: 'done' }, 'UNKNOWN_STATUS'],
    ['an unknown status without a step is UNKNOWN_STATUS', null, { status: 'done' }, 'UNKNOWN_STATUS'],
    ['an invalid step name is INVALID_STEP_NAME', null, { stepName: 'Bad Name' }, 'INVALID_STEP_NAME'],
    ['an unknown file is FILE_NOT_FOUND', 7, { message: 'hello' }, 'FILE_NOT_FOUND'],
  ])('%s and writes nothing', async (_rule, fileId, note, code) => {
    const context = setup();
    await context.tracker.registerFile(newFile());
    expect(await context.tracker.logEvent(fileId, note)).toMatchObject({ ok: false, error: { code } });
    expect(await context.store.reads.logs.maxId()).toBe(0);
  });
});
