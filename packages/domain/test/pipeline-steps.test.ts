import { describe, expect, it } from 'vitest';
import { at, newFile, setup, snapshot, unwrap } from './support/fixtures.js';

const LEASE = { limit: 10, leaseMs: 30_000 };

/** A managed file whose first step a worker holds, as when a handler calls into its pipeline. */
async function runningFile() {
  const context = setup();
  const file = await context.tracker.registerFile(newFile({ managed: true }));
  context.clock.set(at(1));
  await context.claims.claim('w1', { ...LEASE, stepNames: ['hash_file'] });
  context.clock.set(at(2));
  return { ...context, file };
}

describe('PipelineSteps.makeRunnable', () => {
  it('makes pending unscheduled steps runnable now, each with a pending event carrying its message', async () => {
    const { pipeline, tracker, claims, store, file } = await runningFile();
    unwrap(await tracker.addUploadSteps(file.id, ['dropbox']));

    const made = await pipeline.makeRunnable(file.id, ['queue_dropbox'], (name) => `Queued ${name}`);

    expect(unwrap(made)).toEqual(['queue_dropbox']);
    expect(await store.reads.steps.get(file.id, 'queue_dropbox')).toMatchObject({
      status: 'pending',
      runAfter: at(2),
    });
    expect(await store.reads.logs.listForStep(file.id, 'queue_dropbox')).toMatchObject([
      { status: 'pending', message: 'Queued queue_dropbox', occurredAt: at(2) },
    ]);
    const claimed = await claims.claim('w2', { ...LEASE, stepNames: ['queue_dropbox'] });
    expect(claimed.map((step) => step.stepName)).toEqual(['queue_dropbox']);
  });

  it('leaves scheduled, running, finished and unknown steps alone, so asking twice changes nothing', async () => {
    const { pipeline, tracker, store, file } = await runningFile();
    unwrap(await tracker.updateStepStatus(file.id, 'check_text', 'success'));
    unwrap(await tracker.addUploadSteps(file.id, ['dropbox']));
    const names = ['hash_file', 'check_text', 'queue_dropbox', 'upload_to_nowhere'];
    expect(unwrap(await pipeline.makeRunnable(file.id, names, () => 'Queued'))).toEqual(['queue_dropbox']);
    const before = await snapshot(store);

    expect(unwrap(await pipeline.makeRunnable(file.id, names, () => 'Queued'))).toEqual([]);
    expect(await snapshot(store)).toEqual(before);
  });

  it('answers FILE_NOT_FOUND for a file that does not exist', async () => {
    const { pipeline } = setup();
    const made = await pipeline.makeRunnable(404, ['hash_file'], () => 'Queued');
    expect(made).toMatchObject({ ok: false, error: { code: 'FILE_NOT_FOUND' } });
  });
});

// That the mark and the skips commit together (or not at all) is checked on every backend by the conformance suite.
describe('PipelineSteps.markDuplicate', () => {
  it('flags the file and skips every pending step with a log row each, leaving the running step alone', async () => {
    const { pipeline, store, file } = await runningFile();
    const note = { message: 'Duplicate of file 7', taskId: 'w1' };

    const skipped = unwrap(await pipeline.markDuplicate(file.id, 7, note));

    const pending = file.workflow.steps.filter((name) => name !== 'hash_file');
    expect(skipped).toEqual(pending);
    const stored = await store.reads.files.get(file.id);
    expect(stored).toMatchObject({ isDuplicate: true, duplicateOfId: 7, rollup: { status: 'duplicate' } });
    expect((await store.reads.steps.get(file.id, 'hash_file'))?.status).toBe('in_progress');
    for (const stepName of pending) {
      expect(await store.reads.steps.get(file.id, stepName)).toMatchObject({ status: 'skipped' });
      expect(await store.reads.logs.listForStep(file.id, stepName)).toMatchObject([
        { status: 'skipped', message: 'Duplicate of file 7', taskId: 'w1', occurredAt: at(2) },
      ]);
    }
  });

  it('answers FILE_NOT_FOUND for a file that does not exist, writing nothing', async () => {
    const { pipeline, store } = setup();
    const before = await snapshot(store);
    const marked = await pipeline.markDuplicate(404, 1, { message: 'Duplicate' });
    expect(marked).toMatchObject({ ok: false, error: { code: 'FILE_NOT_FOUND' } });
    expect(await snapshot(store)).toEqual(before);
  });
});
