import { subscribe } from './connection.js';

// Live throughput, counted from the event stream since the page opened: finished steps and completed files per
// 10-second bucket (docs/architecture.md#dashboard). Started once, at import, so switching views keeps the counts.

export const BUCKET_MS = 10_000;
export const BUCKETS = 30;

export interface Throughput {
  since: number;
  steps: number[];
  files: number[];
}

const since = Date.now();
const steps = new Map<number, number>();
const files = new Map<number, number>();
const add = (map: Map<number, number>): void => {
  const bucket = Math.floor(Date.now() / BUCKET_MS);
  map.set(bucket, (map.get(bucket) ?? 0) + 1);
};

subscribe((event) => {
  if (event.event === 'step' && ['success', 'failure', 'skipped'].includes(event.data.status ?? ''))
    add(steps);
  if (event.event === 'file' && !event.data.deleted && event.data.status === 'completed') add(files);
});

/** The last BUCKETS buckets, oldest first. */
export function throughput(now = Date.now()): Throughput {
  const last = Math.floor(now / BUCKET_MS);
  const series = (map: Map<number, number>): number[] =>
    Array.from({ length: BUCKETS }, (_, index) => map.get(last - BUCKETS + 1 + index) ?? 0);
  return { since, steps: series(steps), files: series(files) };
}
