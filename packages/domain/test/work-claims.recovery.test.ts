import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKFLOW } from '../src/index.js';
import { at, newFile, setup, unwrap } from './support/fixtures.js';

const LEASE = { limit: 10, leaseMs: 30_000 };

async function managedFile() {
  const context = setup();
  const file = await context.tracker.registerFile(newFile({ managed: true }));
  return { ...context, file, ref: { fileId: file.id, stepName: 'hash_file' } };
}

describe('WorkClaims.recoverExpired', () => {
  it('leaves leases that have not expired alone', async () => {
    const { claims, clock } = await managedFile();
    await claims.claim('w1', LEASE);
    clock.set(at(30));
    expect(await claims.recoverExpired(10, () => 3)).toBe(0);
  });

  it('re-queues an expired step with a pending event naming the lost worker', async () => {
    const { claims, store, clock, file, ref } = await managedFile();
    await claims.claim('w1', LEASE);
    clock.set(at(31));
    expect(await claims.recoverExpired(10, () => 3)).toBe(1);
    expect((await store.reads.logs.listForStep(file.id, 'hash_file')).at(-1)).toMatchObject({
      status: 'pending',
      message: 'Lease of worker w1 expired; re-queued',
      occurredAt: at(31),
    });
    expect(await store.reads.steps.get(file.id, 'hash_file')).toMatchObject({
      status: 'pending',
      leaseOwner: null,
      runAfter: at(31),
    });
    expect(await claims.finish('w1', ref, { status: 'success' })).toMatchObject({
      ok: false,
      error: { code: 'LEASE_LOST' },
    });
    expect((await claims.claim('w2', LEASE)).map((step) => step.attempt)).toEqual([2]);
  });

  it('fails an expired step once its attempts are exhausted', async () => {
    const { claims, store, clock, file } = await managedFile();
    await claims.claim('w1', LEASE);
    clock.set(at(31));
    const asked: string[] = [];
    expect(await claims.recoverExpired(10, (stepName) => (asked.push(stepName), 1))).toBe(1);
    expect(asked).toEqual(['hash_file']);
    expect(await store.reads.steps.get(file.id, 'hash_file')).toMatchObject({
      status: 'failure',
      errorMessage: 'Lease of worker w1 expired after attempt 1; no attempts left',
      leaseOwner: null,
    });
    expect((await store.reads.files.get(file.id))?.rollup.status).toBe('failed');
  });
});

describe('a managed file through the whole pipeline', () => {
  it('claiming and finishing every step in turn completes the file and leaves it verifiably consistent', async () => {
    const { claims, clock, migration, store, file } = await managedFile();
    for (const expected of DEFAULT_WORKFLOW.steps) {
      clock.advance(1000);
      const [claimed] = await claims.claim('w1', LEASE);
      expect(claimed?.stepName).toBe(expected);
      unwrap(await claims.finish('w1', { fileId: file.id, stepName: expected }, { status: 'success' }));
    }
    expect(await claims.claim('w1', LEASE)).toEqual([]);
    expect((await store.reads.files.get(file.id))?.rollup).toMatchObject({
      status: 'completed',
      completedSteps: 8,
      lastStep: 'send_to_all_destinations',
    });
    expect(unwrap(await migration.verifyMigration(file.id)).valid).toBe(true);
  });
});
