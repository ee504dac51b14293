// Latency samples to percentiles, and a seeded random source so every run asks for the same files.

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

/** Nearest-rank percentiles of millisecond samples. */
export function summarize(samples: readonly number[]): Summary {
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return {
    n: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    mean,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs `work` `count` times one after the other and summarises how long each took. Every 50 runs it yields to
 * the event loop (untimed): SQLite reads resolve synchronously, and a loop of them would otherwise hold off
 * signals and timers until it ends.
 */
export async function timeEach(count: number, work: (index: number) => Promise<unknown>): Promise<Summary> {
  const samples: number[] = [];
  for (let index = 0; index < count; index += 1) {
    if (index % 50 === 49) await yieldToEventLoop();
    const started = performance.now();
    await work(index);
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}

/**
 * Times two kinds of work over the same items, alternating which goes first, so neither profits from the other
 * having warmed the caches for an item; returns one summary per kind.
 */
export async function timeInterleaved(
  count: number,
  first: (index: number) => Promise<unknown>,
  second: (index: number) => Promise<unknown>,
): Promise<[Summary, Summary]> {
  const samples: [number[], number[]] = [[], []];
  const works = [first, second] as const;
  for (let index = 0; index < count; index += 1) {
    if (index % 50 === 49) await yieldToEventLoop();
    const order = index % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const);
    for (const which of order) {
      const started = performance.now();
      await works[which](index);
      samples[which].push(performance.now() - started);
    }
  }
  return [summarize(samples[0]), summarize(samples[1])];
}

/** mulberry32: a small deterministic generator; ids drawn from it are the same on every run and database. */
export function randomIds(seed: number, count: number, maxId: number): number[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => 1 + Math.floor(next() * maxId));
}
