import { OperationsInsights, type Store } from '@steptrail/domain';
import { describe, expect, it } from 'vitest';
import type { ContractTopic } from './context.js';
import { ManualClock, newFile, uniqueTag, unwrap, useCases } from './fixtures.js';

/**
 * Failure triage and timings read whole windows of the database, so each test runs in an hour of 1995 of its own,
 * where no other test writes.
 */
const ownHour = (): number => Date.UTC(1995, 0, 1) + Math.floor(Math.random() * 300 * 24) * 3_600_000;

async function scenario(store: Store, epoch: number) {
  const clock = new ManualClock(new Date(epoch + 3_600_000));
  const { tracker } = useCases(store, clock);
  const tag = uniqueTag();
  const register = () => tracker.registerFile(newFile(tag));
  const event = async (fileId: number, step: string, status: string, ms: number, errorMessage?: string) =>
    unwrap(
      await tracker.updateStepStatus(fileId, step, status, {
        occurredAt: new Date(epoch + ms),
        ...(errorMessage === undefined ? {} : { errorMessage }),
      }),
    );
  return { register, event };
}

export const statisticsTopic: ContractTopic = (context) => {
  describe('failure triage and timings', () => {
    it('groups the failed steps of the window by step and normalized error, exactly', async () => {
      const store = context.store();
      const epoch = ownHour();
      const { register, event } = await scenario(store, epoch);
      const [a, b, c, retried, late] = [
        await register(),
        await register(),
        await register(),
        await register(),
        await register(),
      ];
      await event(a.id, 'extract_text', 'failure', 10_000, 'OCR answered 503 for /in/a/1.pdf');
      await event(b.id, 'extract_text', 'failure', 20_000, 'OCR answered 502 for /in/b/2.pdf');
      await event(c.id, 'hash_file', 'failure', 30_000, 'Disk full');
      await event(retried.id, 'extract_text', 'failure', 12_000, 'OCR answered 503 for /x/y');
      await event(retried.id, 'extract_text', 'success', 13_000);
      await event(late.id, 'extract_text', 'failure', 3_600_000, 'OCR answered 503 for /in/c/3.pdf');

      const triage = await new OperationsInsights(store.reads).failureTriage(
        { from: new Date(epoch), to: new Date(epoch + 3_600_000) },
        { maxGroups: 10, sampleSize: 5 },
      );
      expect(triage).toEqual({
        window: { from: new Date(epoch), to: new Date(epoch + 3_600_000) },
        failedSteps: 3,
        truncated: false,
        totalGroups: 2,
        groups: [
          {
            stepName: 'extract_text',
            error: 'OCR answered <n> for <path>',
            example: 'OCR answered 502 for /in/b/2.pdf',
            count: 2,
            firstSeen: new Date(epoch + 10_000),
            lastSeen: new Date(epoch + 20_000),
            sampleFileIds: [b.id, a.id],
          },
          {
            stepName: 'hash_file',
            error: 'Disk full',
            example: 'Disk full',
            count: 1,
            firstSeen: new Date(epoch + 30_000),
            lastSeen: new Date(epoch + 30_000),
            sampleFileIds: [c.id],
          },
        ],
      });
    });

    it('times attempts and queue waits per step from the history of the window, exactly', async () => {
      const store = context.store();
      const epoch = ownHour();
      const { register, event } = await scenario(store, epoch);
      const [one, two] = [await register(), await register()];
      await event(one.id, 'hash_file', 'in_progress', 1_000);
      await event(two.id, 'hash_file', 'in_progress', 2_000);
      await event(two.id, 'hash_file', 'success', 2_500);
      await event(one.id, 'hash_file', 'success', 3_000);
      await event(one.id, 'extract_text', 'in_progress', 4_000);
      await event(one.id, 'extract_text', 'failure', 9_000, 'OCR down');

      const timings = await new OperationsInsights(store.reads).stepTimings({
        from: new Date(epoch),
        to: new Date(epoch + 3_600_000),
      });
      expect(timings.sampled).toBe(false);
      expect(timings.steps).toEqual([
        {
          stepName: 'extract_text',
          finished: 1,
          succeeded: 0,
          failed: 1,
          throughputPerMinute: 0.017,
          duration: { samples: 1, p50Ms: 5000, p95Ms: 5000 },
          queueWait: { samples: 1, p50Ms: 1000, p95Ms: 1000 },
        },
        {
          stepName: 'hash_file',
          finished: 2,
          succeeded: 2,
          failed: 0,
          throughputPerMinute: 0.033,
          duration: { samples: 2, p50Ms: 500, p95Ms: 2000 },
          queueWait: { samples: 0, p50Ms: null, p95Ms: null },
        },
      ]);
      expect(timings.total).toMatchObject({ finished: 3, succeeded: 2, failed: 1 });
    });
  });
};
