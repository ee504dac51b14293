import {
  DEFAULT_STALL_POLICY,
  DEFAULT_WORKFLOW,
  StallWatch,
  StepTracker,
  WorkClaims,
  observedUnitOfWork,
  type Clock,
} from '@steptrail/domain';
import { MemoryStore } from '@steptrail/domain/memory';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { StepMetrics } from '../src/metrics/step-metrics.js';

class ManualClock implements Clock {
  constructor(private current = Date.UTC(2026, 0, 1)) {}
  now = (): Date => new Date(this.current);
  advance(ms: number): void {
    this.current += ms;
  }
}

const value = async (registry: Registry, name: string, labels: Record<string, string>): Promise<number> => {
  const metric = await registry.getSingleMetric(name)?.get();
  const match = metric?.values.find((entry) =>
    Object.entries(labels).every(([key, label]) => entry.labels[key] === label),
  );
  return match?.value ?? 0;
};

describe('StepMetrics (docs/architecture.md#metrics)', () => {
  it('counts committed transitions, run durations, retries, lease expiries and stalls, whoever made them', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const registry = new Registry();
    const metrics = new StepMetrics(registry, () => store.reads.stalls.countActive(clock.now()));
    const deps = { unitOfWork: observedUnitOfWork(store.unitOfWork, metrics), clock };
    const tracker = new StepTracker(deps);
    const claims = new WorkClaims(deps);
    const stalls = new StallWatch({ ...deps, reads: store.reads, policy: DEFAULT_STALL_POLICY });
    const file = (managed: boolean) =>
      tracker.registerFile({
        filehash: 'a'.repeat(64),
        originalFilename: null,
        localFilename: '',
        fileSize: 1,
        mimeType: null,
        workflow: DEFAULT_WORKFLOW,
        managed,
      });

    await file(true);
    expect(await value(registry, 'steptrail_steps_active', { step: 'hash_file', state: 'runnable' })).toBe(1);
    const [claimed] = await claims.claim('w1', { limit: 1, leaseMs: 1000 });
    if (claimed === undefined) throw new Error('nothing claimed');
    clock.advance(2500);
    const failed = await claims.finish('w1', claimed, {
      status: 'failure',
      message: 'boom',
      retryAt: clock.now(),
    });
    expect(failed.ok).toBe(true);
    expect(await value(registry, 'steptrail_step_retries_total', { step: 'hash_file' })).toBe(1);
    const text = await registry.getSingleMetricAsString('steptrail_step_duration_seconds');
    expect(text).toContain('steptrail_step_duration_seconds_sum{step="hash_file",outcome="failure"} 2.5');

    await claims.claim('w2', { limit: 1, leaseMs: 1000 });
    clock.advance(5000);
    expect(await claims.recoverExpired(10, () => 5)).toBe(1);
    expect(await value(registry, 'steptrail_lease_expiries_total', { step: 'hash_file' })).toBe(1);

    const external = await file(false);
    await tracker.updateStepStatus(external.id, 'extract_text', 'in_progress');
    clock.advance(DEFAULT_STALL_POLICY.defaultWindowMs);
    expect(await stalls.sweep()).toHaveLength(1);
    expect(await value(registry, 'steptrail_step_stalls_total', { step: 'extract_text' })).toBe(1);
    expect(
      await value(registry, 'steptrail_step_transitions_total', { step: 'hash_file', status: 'in_progress' }),
    ).toBe(2);
  });

  it('a transaction that rolls back counts nothing', async () => {
    const store = new MemoryStore();
    const registry = new Registry();
    const metrics = new StepMetrics(registry, async () => []);
    const clock = new ManualClock();
    const tracker = new StepTracker({ unitOfWork: observedUnitOfWork(store.unitOfWork, metrics), clock });
    const file = await tracker.registerFile({
      filehash: 'b'.repeat(64),
      originalFilename: null,
      localFilename: '',
      fileSize: 1,
      mimeType: null,
      workflow: DEFAULT_WORKFLOW,
      managed: false,
    });
    const failing = observedUnitOfWork(store.unitOfWork, metrics);
    await expect(
      failing.transaction(async (repos) => {
        await new StepTracker({ unitOfWork: { transaction: (work) => work(repos) }, clock }).updateStepStatus(
          file.id,
          'hash_file',
          'in_progress',
        );
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await value(registry, 'steptrail_step_transitions_total', { step: 'hash_file' })).toBe(0);
  });
});
