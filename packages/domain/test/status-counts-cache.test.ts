import { describe, expect, it } from 'vitest';
import { FreshStatusCounts, OVERALL_STATUSES, StatusCountsCache, type StatusCounts } from '../src/index.js';
import { ManualClock } from './support/fixtures.js';

const countsOf = (completed: number): StatusCounts => ({
  ...(Object.fromEntries(OVERALL_STATUSES.map((status) => [status, 0])) as StatusCounts),
  completed,
});

function counter() {
  let calls = 0;
  let release: (() => void) | null = null;
  const load = async (): Promise<StatusCounts> => {
    calls += 1;
    const value = calls;
    await new Promise<void>((resolve) => (release = resolve));
    return countsOf(value);
  };
  return {
    load,
    calls: () => calls,
    finish: () => {
      release?.();
      release = null;
    },
  };
}

describe('StatusCountsCache', () => {
  it('the first call waits for the counts; later calls within the age limit reuse them', async () => {
    const clock = new ManualClock();
    const source = counter();
    const cache = new StatusCountsCache(source.load, clock, 1000);
    const first = cache.get();
    source.finish();
    expect((await first).completed).toBe(1);
    clock.advance(1000);
    expect((await cache.get()).completed).toBe(1);
    expect(source.calls()).toBe(1);
  });

  it('stale counts are served while one background refresh replaces them', async () => {
    const clock = new ManualClock();
    const source = counter();
    const cache = new StatusCountsCache(source.load, clock, 1000);
    const first = cache.get();
    source.finish();
    await first;
    clock.advance(1001);
    expect((await cache.get()).completed).toBe(1);
    expect((await cache.get()).completed).toBe(1);
    expect(source.calls()).toBe(2);
    source.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect((await cache.get()).completed).toBe(2);
  });
});

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('FreshStatusCounts', () => {
  it('callers that arrive while a read runs share the next read, which starts after it', async () => {
    const source = counter();
    const fresh = new FreshStatusCounts(source.load);
    const first = fresh.get();
    const second = fresh.get();
    const third = fresh.get();
    await settle();
    expect(source.calls()).toBe(1);
    source.finish();
    expect((await first).completed).toBe(1);
    await settle();
    expect(source.calls()).toBe(2);
    source.finish();
    expect((await second).completed).toBe(2);
    expect((await third).completed).toBe(2);
  });

  it('a caller after every read ended starts a new one; a failed read does not stop the next', async () => {
    let calls = 0;
    const fresh = new FreshStatusCounts(async () => {
      calls += 1;
      await settle();
      if (calls === 1) throw new Error('database away');
      return countsOf(calls);
    });
    const failing = fresh.get();
    const next = fresh.get();
    await expect(failing).rejects.toThrow('database away');
    expect((await next).completed).toBe(2);
    expect((await fresh.get()).completed).toBe(3);
    expect(calls).toBe(3);
  });
});
