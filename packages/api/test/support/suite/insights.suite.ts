import { describe, expect, test } from 'vitest';
import { expectError, expectJson } from '../http.js';
import { recordOk, registerExternal } from '../fixtures.js';
import type { SuiteContext } from './suite-context.js';

/** An hour of 1996 of this test's own: the endpoints read whole windows, where no other test writes. */
const ownHour = (): number => Date.UTC(1996, 0, 1) + Math.floor(Math.random() * 300 * 24) * 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();

export function insightTests(ctx: SuiteContext): void {
  describe('failure triage and timings', () => {
    test('GET /api/failures groups the failed steps of the window exactly, and its filter finds their files', async () => {
      const api = ctx.api();
      const hour = ownHour();
      const files = [];
      for (let index = 0; index < 4; index += 1) files.push((await registerExternal(api)).file);
      const [a, b, c, d] = files.map((file) => file.id) as [number, number, number, number];
      const fail = (id: number, step: string, errorMessage: string, ms: number) =>
        recordOk(api, id, step, 'failure', { errorMessage, occurredAt: iso(hour + ms) });
      await fail(a, 'upload_to_dropbox', 'Dropbox answered 503 for "/Apps/a.pdf"', 1_000);
      await fail(b, 'upload_to_dropbox', 'Dropbox answered 500 for "/Apps/b.pdf"', 2_000);
      await fail(c, 'upload_to_dropbox', 'Dropbox answered 503 for "/Apps/c.pdf"', 3_000);
      await fail(d, 'extract_text', 'Timeout after 30s', 4_000);

      const triage = await expectJson<Record<string, unknown>>(
        await api.fetch(`/api/failures?from=${iso(hour)}&to=${iso(hour + 3_600_000)}&samples=2`),
        200,
      );
      expect(triage).toEqual({
        window: { from: iso(hour), to: iso(hour + 3_600_000) },
        failedSteps: 4,
        truncated: false,
        totalGroups: 2,
        groups: [
          {
            step: 'upload_to_dropbox',
            error: 'Dropbox answered <n> for <value>',
            example: 'Dropbox answered 503 for "/Apps/c.pdf"',
            count: 3,
            firstSeen: iso(hour + 1_000),
            lastSeen: iso(hour + 3_000),
            sampleFileIds: [c, b],
          },
          {
            step: 'extract_text',
            error: 'Timeout after <n>',
            example: 'Timeout after 30s',
            count: 1,
            firstSeen: iso(hour + 4_000),
            lastSeen: iso(hour + 4_000),
            sampleFileIds: [d],
          },
        ],
      });
      await expectError(
        await api.fetch(`/api/failures?from=${iso(hour)}&to=${iso(hour)}`),
        400,
        'VALIDATION_FAILED',
      );
    });

    test('GET /api/timings gives per-step durations, queue waits and throughput of the window exactly', async () => {
      const api = ctx.api();
      const hour = ownHour();
      const { file } = await registerExternal(api);
      const event = (step: string, status: string, ms: number, extra: Record<string, unknown> = {}) =>
        recordOk(api, file.id, step, status, { occurredAt: iso(hour + ms), ...extra });
      await event('hash_file', 'in_progress', 1_000);
      await event('hash_file', 'success', 1_400);
      await event('extract_text', 'in_progress', 2_000);
      await event('extract_text', 'failure', 4_000, { errorMessage: 'OCR down' });

      const timings = await expectJson<Record<string, unknown>>(
        await api.fetch(`/api/timings?from=${iso(hour)}&to=${iso(hour + 60_000)}`),
        200,
      );
      expect(timings).toEqual({
        window: { from: iso(hour), to: iso(hour + 60_000) },
        sampled: false,
        steps: [
          {
            step: 'extract_text',
            finished: 1,
            succeeded: 0,
            failed: 1,
            throughputPerMinute: 1,
            duration: { samples: 1, p50Ms: 2000, p95Ms: 2000 },
            queueWait: { samples: 1, p50Ms: 600, p95Ms: 600 },
          },
          {
            step: 'hash_file',
            finished: 1,
            succeeded: 1,
            failed: 0,
            throughputPerMinute: 1,
            duration: { samples: 1, p50Ms: 400, p95Ms: 400 },
            queueWait: { samples: 0, p50Ms: null, p95Ms: null },
          },
        ],
        total: {
          finished: 2,
          succeeded: 1,
          failed: 1,
          throughputPerMinute: 2,
          duration: { samples: 2, p50Ms: 400, p95Ms: 2000 },
          queueWait: { samples: 1, p50Ms: 600, p95Ms: 600 },
        },
      });
    });
  });
}
