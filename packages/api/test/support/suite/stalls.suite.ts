import { describe, expect, test } from 'vitest';
import type { RunningApi } from '../api-harness.js';
import { expectError, expectJson, post } from '../http.js';
import { recordOk, registerExternal } from '../fixtures.js';
import type { SuiteContext } from './suite-context.js';

interface StuckJson {
  fileId: number;
  stepName: string;
  state: string;
  reason: string;
  since: string;
  ageSeconds: number;
  limitSeconds: number;
  lastTouchedBy: string | null;
  attempts: number;
}

/** Every stuck step, page by page (two at a time, so the keyset cursor is used). */
async function allStuck(api: RunningApi): Promise<StuckJson[]> {
  const items: StuckJson[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${cursor}`;
    const page = await expectJson<{ items: StuckJson[]; nextCursor: string | null }>(
      await api.fetch(`/api/stuck?limit=2${query}`),
      200,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

/** docs/architecture.md#stalls over HTTP; the sweep itself is covered with an injected clock by the contract suite. */
export function stallTests(ctx: SuiteContext): void {
  describe('stuck work', () => {
    test('a step reported in progress 20 minutes ago is listed as stalled; a heartbeat takes it off the list', async () => {
      const api = ctx.api();
      const started = new Date(Date.now() - 20 * 60_000);
      const files = await Promise.all([registerExternal(api), registerExternal(api), registerExternal(api)]);
      for (const { file } of files)
        await recordOk(api, file.id, 'extract_text', 'in_progress', {
          occurredAt: started.toISOString(),
          taskId: 'celery-42',
        });
      const ids = files.map(({ file }) => file.id).sort((a, b) => a - b);
      const listed = (await allStuck(api)).filter((item) => ids.includes(item.fileId));
      expect(listed.map((item) => item.fileId)).toEqual(ids);
      expect(listed[0]).toMatchObject({
        stepName: 'extract_text',
        state: 'stalled',
        reason: 'stalled',
        since: started.toISOString(),
        limitSeconds: 600,
        lastTouchedBy: 'celery-42',
        attempts: 1,
      });
      expect(listed[0]?.ageSeconds).toBeGreaterThanOrEqual(1200);

      const [first] = ids;
      const beat = await expectJson<{ fileId: number; stepName: string; heartbeatAt: string }>(
        await api.fetch(`/api/files/${first}/steps/extract_text/heartbeat`, post({ taskId: 'celery-42' })),
        200,
      );
      expect(beat).toMatchObject({ fileId: first, stepName: 'extract_text' });
      const after = (await allStuck(api)).filter((item) => ids.includes(item.fileId));
      expect(after.map((item) => item.fileId)).toEqual(ids.slice(1));
      const logs = await expectJson<{ items: unknown[] }>(await api.fetch(`/api/files/${first}/logs`), 200);
      // The registration note and the in_progress event: a heartbeat writes no history.
      expect(logs.items).toHaveLength(2);
    });

    test('a step silent for 6 of its 10 minutes is listed as ageing, not failed; a heartbeat takes it off the list', async () => {
      const api = ctx.api();
      const started = new Date(Date.now() - 6 * 60_000);
      const { file } = await registerExternal(api);
      await recordOk(api, file.id, 'extract_metadata_with_gpt', 'in_progress', {
        occurredAt: started.toISOString(),
        taskId: 'celery-ageing',
      });
      const listed = (await allStuck(api)).filter((item) => item.fileId === file.id);
      expect(listed).toMatchObject([
        {
          stepName: 'extract_metadata_with_gpt',
          state: 'ageing',
          reason: 'silent',
          since: started.toISOString(),
          limitSeconds: 600,
          lastTouchedBy: 'celery-ageing',
        },
      ]);
      expect(listed[0]?.ageSeconds).toBeGreaterThanOrEqual(360);
      await api.fetch(`/api/files/${file.id}/steps/extract_metadata_with_gpt/heartbeat`, post({}));
      expect((await allStuck(api)).filter((item) => item.fileId === file.id)).toEqual([]);
      const steps = await expectJson<{ steps: Record<string, { status: string }> }>(
        await api.fetch(`/api/files/${file.id}/steps`),
        200,
      );
      expect(steps.steps['extract_metadata_with_gpt']?.status).toBe('in_progress');
    });

    test('a heartbeat for a step that is not in progress is refused', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      await recordOk(api, file.id, 'hash_file', 'success');
      await expectError(
        await api.fetch(`/api/files/${file.id}/steps/hash_file/heartbeat`, post({})),
        409,
        'CONFLICT',
      );
      await expectError(
        await api.fetch(`/api/files/${file.id}/steps/no_such_step/heartbeat`, post({})),
        404,
        'STEP_NOT_FOUND',
      );
      await expectError(await api.fetch('/api/stuck?cursor=nonsense'), 400, 'VALIDATION_FAILED');
    });
  });
}
