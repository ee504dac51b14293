import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../src/events/step-event.js';
import { computeStepTimings, percentile, queueWait } from '../src/insights/step-timings.js';
import { retryScheduledMessage } from '../src/retry/retry-message.js';

const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
let nextId = 1;
const log = (
  stepName: string | null,
  status: string | null,
  ms: number,
  message: string | null = null,
): LogEntry => ({
  id: nextId++,
  fileId: 1,
  taskId: null,
  stepName,
  status,
  message,
  detail: null,
  occurredAt: new Date(t0 + ms),
});
const window = { from: new Date(t0), to: new Date(t0 + 10 * 60_000) };

describe('percentile', () => {
  it.each([
    [[], 0.5, null],
    [[7], 0.95, 7],
    [[1, 2, 3, 4], 0.5, 2],
    [[1, 2, 3, 4], 0.95, 4],
    [Array.from({ length: 100 }, (_, index) => index + 1), 0.95, 95],
    [Array.from({ length: 100 }, (_, index) => index + 1), 0.5, 50],
  ])('of %j at %d is %j (nearest rank)', (sorted, q, expected) => {
    expect(percentile(sorted, q)).toBe(expected);
  });
});

describe('queueWait', () => {
  it('is the time since the file’s previous event', () => {
    expect(
      queueWait({
        event: log('extract_text', 'in_progress', 900),
        previous: log('hash_file', 'success', 400),
      }),
    ).toBe(500);
  });

  it('counts a scheduled retry from the time it was scheduled for', () => {
    const retry = log('extract_text', 'pending', 1000, retryScheduledMessage(2, new Date(t0 + 5000)));
    expect(queueWait({ event: log('extract_text', 'in_progress', 5200), previous: retry })).toBe(200);
  });

  it('is unknown for a file’s first event', () => {
    expect(queueWait({ event: log('hash_file', 'in_progress', 0), previous: null })).toBeNull();
  });
});

describe('computeStepTimings', () => {
  it('gives per-step and overall durations of attempts, queue waits and throughput', () => {
    const timings = computeStepTimings(
      window,
      [
        { event: log('hash_file', 'success', 1_000), previous: log('hash_file', 'in_progress', 800) },
        { event: log('hash_file', 'failure', 3_000), previous: log('hash_file', 'in_progress', 2_600) },
        // Finished without a recorded start: counted, but no duration.
        { event: log('extract_text', 'success', 4_000), previous: log('extract_text', 'pending', 3_500) },
      ],
      [
        { event: log('hash_file', 'in_progress', 800), previous: log(null, null, 700, 'registered') },
        { event: log('extract_text', 'in_progress', 3_200), previous: log('hash_file', 'success', 1_000) },
      ],
      false,
    );
    expect(timings.steps).toEqual([
      {
        stepName: 'extract_text',
        finished: 1,
        succeeded: 1,
        failed: 0,
        throughputPerMinute: 0.1,
        duration: { samples: 0, p50Ms: null, p95Ms: null },
        queueWait: { samples: 1, p50Ms: 2200, p95Ms: 2200 },
      },
      {
        stepName: 'hash_file',
        finished: 2,
        succeeded: 1,
        failed: 1,
        throughputPerMinute: 0.2,
        duration: { samples: 2, p50Ms: 200, p95Ms: 400 },
        queueWait: { samples: 1, p50Ms: 100, p95Ms: 100 },
      },
    ]);
    expect(timings.total).toEqual({
      finished: 3,
      succeeded: 2,
      failed: 1,
      throughputPerMinute: 0.3,
      duration: { samples: 2, p50Ms: 200, p95Ms: 400 },
      queueWait: { samples: 2, p50Ms: 100, p95Ms: 2200 },
    });
  });
});
