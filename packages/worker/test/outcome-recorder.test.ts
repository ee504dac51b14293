import { MemoryStore } from '@steptrail/domain/memory';
import { StepTracker, WorkClaims, defineWorkflow, type Clock, type StepRef } from '@steptrail/domain';
import { describe, expect, test } from 'vitest';
import { OutcomeRecorder } from '../src/engine/outcome-recorder.js';

/** A clock one millisecond further at every reading: events of one transaction share a time, others do not. */
class TickingClock implements Clock {
  private current = Date.UTC(2025, 2, 1, 12);

  now(): Date {
    this.current += 1;
    return new Date(this.current);
  }
}

async function claimedSteps(count: number) {
  const store = new MemoryStore();
  const deps = { unitOfWork: store.unitOfWork, clock: new TickingClock() };
  const workflow = defineWorkflow('recorder', ['only_step']);
  if (!workflow.ok) throw new Error(workflow.error.message);
  const tracker = new StepTracker(deps);
  for (let index = 0; index < count; index += 1) {
    await tracker.registerFile({
      filehash: `hash-${index}`,
      originalFilename: null,
      localFilename: `file-${index}`,
      fileSize: 1,
      mimeType: null,
      workflow: workflow.value,
      managed: true,
    });
  }
  const claims = new WorkClaims(deps);
  const claimed = await claims.claim('worker-a', { limit: count, leaseMs: 30_000 });
  const refs: StepRef[] = claimed.map(({ fileId, stepName }) => ({ fileId, stepName }));
  return { store, claims, refs };
}

const successTimes = async (store: MemoryStore, refs: readonly StepRef[]) => {
  const logs = await store.reads.logs.listForSteps(refs);
  return logs.filter((log) => log.status === 'success').map((log) => log.occurredAt.getTime());
};

describe('OutcomeRecorder', () => {
  test('outcomes that arrive within the linger time are recorded in one transaction', async () => {
    const { store, claims, refs } = await claimedSteps(3);
    const recorder = new OutcomeRecorder({ claims, workerId: 'worker-a', lingerMs: 20, maxBatch: 16 });

    const results = await Promise.all(refs.map((ref) => recorder.record(ref, { status: 'success' })));

    expect(results.map((result) => result.ok)).toEqual([true, true, true]);
    expect(new Set(await successTimes(store, refs)).size).toBe(1);
  });

  test('a full batch goes at once, and a step the worker no longer holds is reported alone', async () => {
    const { store, claims, refs } = await claimedSteps(2);
    const recorder = new OutcomeRecorder({ claims, workerId: 'worker-a', lingerMs: 60_000, maxBatch: 3 });
    const [first, second] = refs;
    if (first === undefined || second === undefined) throw new Error('two steps were claimed');

    const results = await Promise.all([
      recorder.record(first, { status: 'success' }),
      recorder.record({ ...first, stepName: 'never_claimed' }, { status: 'success' }),
      recorder.record(second, { status: 'success' }),
    ]);

    expect(results.map((result) => (result.ok ? 'ok' : result.error.code))).toEqual([
      'ok',
      'LEASE_LOST',
      'ok',
    ]);
    expect(await successTimes(store, refs)).toHaveLength(2);
  });

  test('once told to hurry (shutdown) it records every outcome without lingering', async () => {
    const { claims, refs } = await claimedSteps(1);
    const recorder = new OutcomeRecorder({ claims, workerId: 'worker-a', lingerMs: 60_000, maxBatch: 16 });
    await recorder.hurry();
    const [ref] = refs;
    if (ref === undefined) throw new Error('one step was claimed');

    const result = await recorder.record(ref, { status: 'skipped', message: 'not needed' });

    expect(result.ok).toBe(true);
  });
});
