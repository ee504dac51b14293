import { describe, expect, test } from 'vitest';
import type { RunningApi } from '../api-harness.js';
import { expectError, expectJson, post } from '../http.js';
import { recordOk, registerExternal, uniqueName } from '../fixtures.js';
import type { SuiteContext } from './suite-context.js';

interface OperationJson {
  id: number;
  kind: string;
  state: string;
  total: number;
  done: number;
  skipped: number;
  pending: number;
  filter: Record<string, unknown>;
  createdBy: string | null;
}
interface StatusJson {
  operation: OperationJson;
  results: Array<{ fileId: number; outcome: string; detail: string | null }>;
  nextCursor: string | null;
}

async function untilCompleted(api: RunningApi, path: string): Promise<StatusJson> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const status = await expectJson<StatusJson>(await api.fetch(path), 200);
    if (status.operation.state === 'completed') return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${path} did not complete`);
}

const historyOf = async (api: RunningApi, id: number) =>
  (
    await expectJson<{ items: Array<{ message: string | null }> }>(
      await api.fetch(`/api/files/${id}/logs?limit=500`),
      200,
    )
  ).items;

export function bulkTests(ctx: SuiteContext): void {
  describe('bulk operations', () => {
    test('a dry run answers the count and a sample and writes nothing; a retry by filter re-queues each file once', async () => {
      const api = ctx.api();
      const name = uniqueName('bulk');
      const files: number[] = [];
      for (let index = 0; index < 5; index += 1) {
        const { file } = await registerExternal(api, { originalFilename: `${name}-${index}.pdf` });
        files.push(file.id);
        if (index < 4)
          await recordOk(api, file.id, 'extract_text', 'failure', { errorMessage: `Gateway 50${index}` });
      }
      const before = await Promise.all(files.map((id) => historyOf(api, id)));
      const filter = { q: name, step: 'extract_text', error: 'gateway' };
      const preview = await expectJson(await api.fetch('/api/retries', post({ filter, dryRun: true })), 200);
      expect(preview).toEqual({
        dryRun: true,
        kind: 'retry',
        matched: 4,
        tooMany: false,
        sampleFileIds: [files[3], files[2], files[1], files[0]],
      });
      expect(await Promise.all(files.map((id) => historyOf(api, id)))).toEqual(before);

      const started = await api.fetch('/api/retries', post({ filter }));
      const { operation } = await expectJson<{ operation: OperationJson }>(started, 202);
      expect(started.headers.get('location')).toBe(`/api/retries/${operation.id}`);
      expect(operation).toMatchObject({ kind: 'retry', total: 4, filter, createdBy: null });
      const done = await untilCompleted(api, `/api/retries/${operation.id}?limit=3`);
      expect(done.operation).toMatchObject({ state: 'completed', total: 4, done: 4, skipped: 0, pending: 0 });
      expect(done.results).toEqual(
        files
          .slice(0, 3)
          .map((fileId): unknown =>
            expect.objectContaining({ fileId, outcome: 'retried', detail: 'extract_text' }),
          ),
      );
      const rest = await expectJson<StatusJson>(
        await api.fetch(`/api/retries/${operation.id}?limit=3&cursor=${done.nextCursor}`),
        200,
      );
      expect(rest.results.map((result) => result.fileId)).toEqual([files[3]]);
      expect(rest.nextCursor).toBeNull();
      for (const id of files.slice(0, 4)) {
        const messages = (await historyOf(api, id)).map((log) => log.message);
        expect(
          messages.filter((message) => message?.startsWith(`Bulk retry operation ${operation.id} `)),
        ).toEqual([
          `Bulk retry operation ${operation.id} (requested by an unauthenticated loopback client): re-queued extract_text`,
        ]);
      }
      await expectError(await api.fetch(`/api/deletions/${operation.id}`), 404, 'BULK_OPERATION_NOT_FOUND');
    });

    test('a bulk delete removes the files of its filter; an empty filter is refused', async () => {
      const api = ctx.api();
      const name = uniqueName('bulkdel');
      const ids: number[] = [];
      for (let index = 0; index < 3; index += 1)
        ids.push((await registerExternal(api, { originalFilename: `${name}-${index}.pdf` })).file.id);
      const { operation } = await expectJson<{ operation: OperationJson }>(
        await api.fetch('/api/deletions', post({ filter: { q: name, ids: ids.slice(0, 2) } })),
        202,
      );
      const done = await untilCompleted(api, `/api/deletions/${operation.id}`);
      expect(done.operation).toMatchObject({ kind: 'delete', done: 2, skipped: 0 });
      await expectJson(await api.fetch(`/api/files/${ids[0]}`), 404);
      await expectJson(await api.fetch(`/api/files/${ids[2]}`), 200);
      await expectError(await api.fetch('/api/deletions', post({ filter: {} })), 400, 'VALIDATION_FAILED');
      await expectError(await api.fetch('/api/retries/2147483647'), 404, 'BULK_OPERATION_NOT_FOUND');
    });
  });
}
