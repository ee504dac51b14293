import { describe, expect, it } from 'vitest';
import { MAX_PAGE_SIZE, PENDING_ROLLUP, StatusQueries, computeOverallStatus } from '../src/index.js';
import { at, newFile, setup, unwrap } from './support/fixtures.js';

async function seeded() {
  const context = setup();
  const { tracker, clock } = context;
  const done = await tracker.registerFile(newFile({ originalFilename: 'Invoice-2024.pdf' }));
  const failed = await tracker.registerFile(newFile({ originalFilename: 'scan.png', filehash: 'h2' }));
  const fresh = await tracker.registerFile(newFile({ originalFilename: 'notes.txt', filehash: 'h3' }));
  clock.set(at(1));
  unwrap(await tracker.updateStepStatus(done.id, 'hash_file', 'in_progress'));
  clock.set(at(2));
  unwrap(await tracker.updateStepStatus(done.id, 'hash_file', 'success'));
  unwrap(await tracker.updateStepStatus(done.id, 'send_to_all_destinations', 'success'));
  await tracker.addUploadSteps(done.id, ['s3']);
  unwrap(await tracker.updateStepStatus(done.id, 'upload_to_s3', 'success'));
  unwrap(await tracker.updateStepStatus(failed.id, 'check_text', 'failure', { errorMessage: 'no text' }));
  return { ...context, done, failed, fresh };
}

describe('StatusQueries', () => {
  it('getFile returns the stored file', async () => {
    const { queries, done } = await seeded();
    expect(unwrap(await queries.getFile(done.id))).toMatchObject({
      id: done.id,
      originalFilename: 'Invoice-2024.pdf',
    });
  });

  it('getFileStepStatus maps every step row to its view', async () => {
    const { queries, done } = await seeded();
    const steps = unwrap(await queries.getFileStepStatus(done.id));
    expect(Object.keys(steps)).toHaveLength(10);
    expect(steps['hash_file']).toEqual({
      status: 'success',
      startedAt: at(1),
      completedAt: at(2),
      errorMessage: null,
      attempts: 1,
      stoppedBy: null,
    });
    expect(steps['check_text']).toEqual({
      status: 'pending',
      startedAt: null,
      completedAt: null,
      errorMessage: null,
      attempts: 0,
      stoppedBy: null,
    });
  });

  it('getFileOverallStatus reads the rollup, which is the one status rule applied to the step rows', async () => {
    const { queries, store, done, failed } = await seeded();
    expect(unwrap(await queries.getFileOverallStatus(done.id))).toMatchObject({
      status: 'completed',
      totalSteps: 10,
      completedSteps: 3,
    });
    expect(unwrap(await queries.getFileOverallStatus(failed.id))).toMatchObject({
      status: 'failed',
      hasErrors: true,
    });
    for (const file of [done, failed]) {
      const steps = await store.reads.steps.listForFile(file.id);
      expect(unwrap(await queries.getFileOverallStatus(file.id))).toEqual(
        computeOverallStatus({ isDuplicate: false, managed: file.managed, workflow: file.workflow, steps }),
      );
    }
  });

  it('getFileOverallStatus answers from the file row alone, without reading steps', async () => {
    const { queries, store, fresh } = await seeded();
    const planted = { ...PENDING_ROLLUP, status: 'processing' as const, inProgressSteps: 7 };
    await store.unitOfWork.transaction((repos) => repos.files.saveRollups(new Map([[fresh.id, planted]])));
    expect(unwrap(await queries.getFileOverallStatus(fresh.id))).toEqual({
      status: 'processing',
      hasErrors: false,
      totalSteps: 0,
      completedSteps: 0,
      failedSteps: 0,
      inProgressSteps: 7,
      skippedSteps: 0,
    });
  });

  it('getStepSummary counts main steps and upload tasks', async () => {
    const { queries, done } = await seeded();
    expect(unwrap(await queries.getStepSummary(done.id))).toEqual({
      main: { queued: 6, in_progress: 0, success: 2, failure: 0, skipped: 0, stopped: 0 },
      uploads: { queued: 0, in_progress: 0, success: 1, failure: 0, skipped: 0, stopped: 0 },
      totalMainSteps: 8,
      totalUploadTasks: 1,
    });
  });

  it('getFileDetail gives the file, its status and its summary from one read', async () => {
    const { queries, failed } = await seeded();
    const detail = unwrap(await queries.getFileDetail(failed.id));
    expect(detail.file.id).toBe(failed.id);
    expect(detail.status).toEqual(unwrap(await queries.getFileOverallStatus(failed.id)));
    expect(detail.summary).toEqual(unwrap(await queries.getStepSummary(failed.id)));
  });

  it('the file status the detail shows equals the rollup the list reads', async () => {
    const { queries, done, failed, fresh } = await seeded();
    for (const file of [done, failed, fresh]) {
      const detail = unwrap(await queries.getFileDetail(file.id));
      const { rollup } = detail.file;
      expect({ ...detail.status }).toEqual({
        status: rollup.status,
        hasErrors: rollup.hasErrors,
        totalSteps: rollup.totalSteps,
        completedSteps: rollup.completedSteps,
        failedSteps: rollup.failedSteps,
        inProgressSteps: rollup.inProgressSteps,
        skippedSteps: rollup.skippedSteps,
      });
    }
  });

  it.each([
    ['getFile', (q: Queries) => q.getFile(99)],
    ['getFileStepStatus', (q: Queries) => q.getFileStepStatus(99)],
    ['getFileOverallStatus', (q: Queries) => q.getFileOverallStatus(99)],
    ['getStepSummary', (q: Queries) => q.getStepSummary(99)],
    ['getFileDetail', (q: Queries) => q.getFileDetail(99)],
    ['getProcessingLogs', (q: Queries) => q.getProcessingLogs(99, 10)],
  ])('%s of an unknown file is FILE_NOT_FOUND', async (_name, query) => {
    const { queries } = await seeded();
    expect(await query(queries)).toEqual({
      ok: false,
      error: { code: 'FILE_NOT_FOUND', message: 'File 99 does not exist.', details: { fileId: 99 } },
    });
  });

  it('getProcessingLogs pages a file’s history oldest first', async () => {
    const { queries, done } = await seeded();
    const first = unwrap(await queries.getProcessingLogs(done.id, 2));
    expect(first.items.map((log) => [log.stepName, log.status])).toEqual([
      ['hash_file', 'in_progress'],
      ['hash_file', 'success'],
    ]);
    const second = unwrap(await queries.getProcessingLogs(done.id, 2, first.next));
    expect(second.items.map((log) => log.stepName)).toEqual(['send_to_all_destinations', 'upload_to_s3']);
    expect(second.next).toBeNull();
  });

  it.each([
    [0, 1],
    [-5, 1],
    [2.9, 2],
    [10_000, MAX_PAGE_SIZE],
  ])('a page limit of %s is clamped to %s', async (limit, expected) => {
    const context = setup();
    const file = await context.tracker.registerFile(newFile());
    for (let i = 0; i < 3; i += 1) await context.tracker.logEvent(file.id, { message: `note ${i}` });
    const page = unwrap(await context.queries.getProcessingLogs(file.id, limit));
    expect(page.items).toHaveLength(Math.min(expected, 3));
  });

  it.each([
    ['completed', ['Invoice-2024.pdf']],
    ['failed', ['scan.png']],
    ['pending', ['notes.txt']],
    ['processing', []],
  ] as const)('a %s filter returns exactly the files whose badge shows it', async (status, names) => {
    const { queries } = await seeded();
    const { page } = await queries.listFiles({ status, limit: 50 });
    expect(page.items.map((file) => file.originalFilename)).toEqual(names);
    for (const file of page.items)
      expect(unwrap(await queries.getFileOverallStatus(file.id)).status).toBe(status);
  });

  it('listFiles lists newest first with a keyset cursor, searches names and counts every status', async () => {
    const { queries } = await seeded();
    const first = await queries.listFiles({ limit: 2 });
    expect(first.page.items.map((file) => file.id)).toEqual([3, 2]);
    expect(first.page.nextBeforeId).toBe(2);
    expect((await queries.listFiles({ limit: 2, beforeId: 2 })).page).toMatchObject({
      items: [{ id: 1 }],
      nextBeforeId: null,
    });
    expect(
      (await queries.listFiles({ limit: 5, search: 'INVOICE' })).page.items.map((file) => file.id),
    ).toEqual([1]);
    expect(first.counts).toEqual({ pending: 1, processing: 0, completed: 1, failed: 1, duplicate: 0 });
  });

  it('countFiles reads the counts now, while listFiles may serve counts up to their age limit', async () => {
    const context = await seeded();
    const queries = new StatusQueries(context.store.reads, { clock: context.clock, countsMaxAgeMs: 60_000 });
    expect((await queries.listFiles({ limit: 1 })).counts.failed).toBe(1);
    unwrap(
      await context.tracker.updateStepStatus(context.fresh.id, 'hash_file', 'failure', { errorMessage: 'x' }),
    );
    expect((await queries.listFiles({ limit: 1 })).counts.failed).toBe(1);
    expect(await queries.countFiles()).toEqual({
      pending: 0,
      processing: 0,
      completed: 1,
      failed: 2,
      duplicate: 0,
    });
  });
});

type Queries = Awaited<ReturnType<typeof seeded>>['queries'];
