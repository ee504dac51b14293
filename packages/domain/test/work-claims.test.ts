import { describe, expect, it } from 'vitest';
import type { StepOutcome } from '../src/index.js';
import { at, newFile, setup, snapshot, unwrap } from './support/fixtures.js';

const LEASE = { limit: 10, leaseMs: 30_000 };

async function managedFile() {
  const context = setup();
  const file = await context.tracker.registerFile(newFile({ managed: true }));
  return { ...context, file, ref: { fileId: file.id, stepName: 'hash_file' } };
}

describe('WorkClaims.claim', () => {
  it('claims a runnable step with an in_progress event and a lease', async () => {
    const { claims, store, clock, file } = await managedFile();
    clock.set(at(5));
    const claimed = await claims.claim('w1', LEASE);
    expect(claimed).toHaveLength(1);
    expect(claimed[0]).toMatchObject({
      fileId: file.id,
      stepName: 'hash_file',
      file: { id: file.id },
      attempt: 1,
      leaseExpiresAt: at(35),
    });
    expect(await store.reads.steps.get(file.id, 'hash_file')).toMatchObject({
      status: 'in_progress',
      startedAt: at(5),
      attempts: 1,
      leaseOwner: 'w1',
      leaseExpiresAt: at(35),
      runAfter: null,
    });
    expect(await store.reads.logs.listForStep(file.id, 'hash_file')).toMatchObject([
      { status: 'in_progress', message: 'Claimed by worker w1', taskId: 'w1', occurredAt: at(5) },
    ]);
    expect((await store.reads.files.get(file.id))?.rollup.status).toBe('processing');
  });

  it('each step is claimed once', async () => {
    const { claims } = await managedFile();
    expect(await claims.claim('w1', LEASE)).toHaveLength(1);
    expect(await claims.claim('w2', LEASE)).toEqual([]);
  });

  it.each([
    ['an unmanaged file’s steps are never claimed', false, null, 0],
    ['a worker claims only the steps it has handlers for', true, ['extract_text'], 0],
    ['a worker claims the steps it has handlers for', true, ['hash_file'], 1],
  ])('%s', async (_rule, managed, stepNames, count) => {
    const context = setup();
    await context.tracker.registerFile(newFile({ managed }));
    expect(await context.claims.claim('w1', { ...LEASE, stepNames })).toHaveLength(count);
  });

  it('claims at most limit steps, earliest runAfter first', async () => {
    const context = setup();
    context.clock.set(at(2));
    await context.tracker.registerFile(newFile({ managed: true, filehash: 'late' }));
    context.clock.set(at(1));
    await context.tracker.registerFile(newFile({ managed: true, filehash: 'early' }));
    context.clock.set(at(3));
    expect((await context.claims.claim('w1', { ...LEASE, limit: 1 })).map((step) => step.fileId)).toEqual([
      2,
    ]);
  });
});

describe('WorkClaims.finish', () => {
  it('success makes the next workflow step runnable in the same transaction', async () => {
    const { claims, store, clock, file, ref } = await managedFile();
    await claims.claim('w1', LEASE);
    clock.set(at(8));
    const applied = unwrap(await claims.finish('w1', ref, { status: 'success', message: 'hashed' }));
    expect(applied).toMatchObject({
      step: { status: 'success', completedAt: at(8) },
      scheduled: 'create_file_record',
    });
    expect(await store.reads.steps.get(file.id, 'hash_file')).toMatchObject({
      leaseOwner: null,
      leaseExpiresAt: null,
    });
    expect((await claims.claim('w2', LEASE)).map((step) => step.stepName)).toEqual(['create_file_record']);
  });

  it('skipped also moves the pipeline on', async () => {
    const { claims, ref } = await managedFile();
    await claims.claim('w1', LEASE);
    expect(
      unwrap(await claims.finish('w1', ref, { status: 'skipped', message: 'already hashed' })).scheduled,
    ).toBe('create_file_record');
  });

  it('a failure with a retry time is logged, then re-queued for that time, leaving the file processing', async () => {
    const { claims, store, clock, file, ref } = await managedFile();
    await claims.claim('w1', LEASE);
    clock.set(at(10));
    const outcome: StepOutcome = { status: 'failure', message: 'timeout', retryAt: at(70) };
    const applied = unwrap(await claims.finish('w1', ref, outcome));
    expect(applied.step).toMatchObject({
      status: 'pending',
      errorMessage: 'timeout',
      attempts: 1,
      completedAt: null,
    });
    expect(
      (await store.reads.logs.listForStep(file.id, 'hash_file')).map((log) => [log.status, log.message]),
    ).toEqual([
      ['in_progress', 'Claimed by worker w1'],
      ['failure', 'timeout'],
      ['pending', `Retry 2 scheduled for ${at(70).toISOString()}`],
    ]);
    expect((await store.reads.steps.get(file.id, 'hash_file'))?.runAfter).toEqual(at(70));
    expect((await store.reads.files.get(file.id))?.rollup).toMatchObject({
      status: 'processing',
      hasErrors: false,
    });
    expect(await claims.claim('w1', LEASE)).toEqual([]);
    clock.set(at(70));
    expect((await claims.claim('w2', LEASE)).map((step) => step.attempt)).toEqual([2]);
  });

  it('a failure without a retry time fails the file', async () => {
    const { claims, store, file, ref } = await managedFile();
    await claims.claim('w1', LEASE);
    unwrap(
      await claims.finish('w1', ref, {
        status: 'failure',
        message: 'corrupt pdf',
        detail: 'trace',
        retryAt: null,
      }),
    );
    expect(await store.reads.steps.get(file.id, 'hash_file')).toMatchObject({
      status: 'failure',
      errorMessage: 'corrupt pdf',
      runAfter: null,
    });
    expect((await store.reads.files.get(file.id))?.rollup).toMatchObject({
      status: 'failed',
      hasErrors: true,
    });
  });

  it('a handler text no database stores unchanged (NUL, a lone surrogate) is kept with U+FFFD in its place', async () => {
    const { claims, store, file, ref } = await managedFile();
    await claims.claim('w1', LEASE);
    unwrap(
      await claims.finish('w1', ref, {
        status: 'failure',
        message: 'bad object 7\u0000 at \ud800',
        detail: 'stack\u0000trace',
        retryAt: null,
      }),
    );
    expect(await store.reads.steps.get(file.id, 'hash_file')).toMatchObject({
      status: 'failure',
      errorMessage: 'bad object 7\uFFFD at \uFFFD',
    });
    expect((await store.reads.logs.listForStep(file.id, 'hash_file')).at(-1)).toMatchObject({
      message: 'bad object 7\uFFFD at \uFFFD',
      detail: 'stack\uFFFDtrace',
    });
  });

  it.each([
    ['another worker finishes it', 'w2', false],
    ['the step was never claimed', 'w1', true],
  ])('LEASE_LOST when %s, and nothing is written', async (_case, worker, unclaimed) => {
    const { claims, store, ref } = await managedFile();
    if (!unclaimed) await claims.claim('w1', LEASE);
    const before = await snapshot(store);
    const result = await claims.finish(worker, ref, { status: 'success' });
    expect(result).toMatchObject({ ok: false, error: { code: 'LEASE_LOST', details: ref } });
    expect(result.ok ? '' : result.error.message).toBe(
      `Worker ${worker} no longer holds step hash_file of file 1.`,
    );
    expect(await snapshot(store)).toEqual(before);
  });
});

describe('WorkClaims.release and renew', () => {
  it('release gives the step back with a pending event, runnable again at once', async () => {
    const { claims, store, clock, file, ref } = await managedFile();
    await claims.claim('w1', LEASE);
    clock.set(at(3));
    const applied = unwrap(await claims.release('w1', ref, 'shutting down'));
    expect(applied.log).toMatchObject({ status: 'pending', message: 'Released by worker w1: shutting down' });
    expect(await store.reads.steps.get(file.id, 'hash_file')).toMatchObject({
      status: 'pending',
      attempts: 1,
      leaseOwner: null,
      runAfter: at(3),
    });
    expect(await claims.claim('w2', LEASE)).toHaveLength(1);
    expect(await claims.release('w1', ref, 'again')).toMatchObject({
      ok: false,
      error: { code: 'LEASE_LOST' },
    });
  });

  it('renew extends only the leases the worker still holds', async () => {
    const { claims, store, clock, file, ref } = await managedFile();
    await claims.claim('w1', LEASE);
    clock.set(at(20));
    expect(await claims.renew('w1', [ref, { fileId: file.id, stepName: 'check_text' }], 30_000)).toEqual([
      ref,
    ]);
    expect((await store.reads.steps.get(file.id, 'hash_file'))?.leaseExpiresAt).toEqual(at(50));
    expect(await claims.renew('w2', [ref], 30_000)).toEqual([]);
    expect(await claims.renew('w1', [], 30_000)).toEqual([]);
  });
});
