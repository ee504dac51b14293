import { describe, expect, test } from 'vitest';
import { expectError, expectJson, post } from '../http.js';
import { recordOk, registerExternal, type FileJson, type OverallJson } from '../fixtures.js';
import type { SuiteContext } from './suite-context.js';

interface LogJson {
  id: number;
  fileId: number | null;
  stepName: string | null;
  status: string | null;
  message: string | null;
  detail: string | null;
  occurredAt: string;
}

export function stepTests(ctx: SuiteContext): void {
  describe('steps and history', () => {
    test('events move a file through its workflow to completed, and the history lists them oldest first', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api, { workflow: 'short' });
      const started = await recordOk(api, file.id, 'hash_file', 'in_progress', { taskId: 'celery-1' });
      expect(started.step).toMatchObject({
        name: 'hash_file',
        status: 'in_progress',
        attempts: 1,
        completedAt: null,
      });
      expect(started.status.status).toBe('processing');
      await recordOk(api, file.id, 'hash_file', 'success');
      await recordOk(api, file.id, 'extract_text', 'in_progress');
      const done = await recordOk(api, file.id, 'extract_text', 'success', { message: 'ok' });
      expect(done.status).toEqual({
        status: 'completed',
        hasErrors: false,
        totalSteps: 2,
        completedSteps: 2,
        failedSteps: 0,
        inProgressSteps: 0,
        skippedSteps: 0,
      });
      const logs = await expectJson<{ items: LogJson[]; nextCursor: string | null }>(
        await api.fetch(`/api/files/${file.id}/logs`),
        200,
      );
      const stepRows = logs.items.filter((log) => log.stepName !== null);
      expect(stepRows.map((log) => `${log.stepName}:${log.status}`)).toEqual([
        'hash_file:in_progress',
        'hash_file:success',
        'extract_text:in_progress',
        'extract_text:success',
      ]);
      expect(stepRows[0]).toMatchObject({ fileId: file.id });
      expect(logs.items[0]).toMatchObject({
        stepName: null,
        status: null,
        message: 'File registered by an external pipeline (workflow short)',
      });
      expect(logs.nextCursor).toBeNull();
    });

    test("a failure's errorMessage is the step's error and the log's message", async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      const failed = await recordOk(api, file.id, 'extract_text', 'failure', {
        errorMessage: 'OCR engine crashed',
        detail: 'exit 139',
      });
      expect(failed.step).toMatchObject({ status: 'failure', errorMessage: 'OCR engine crashed' });
      expect(failed.status).toMatchObject({ status: 'failed', hasErrors: true, failedSteps: 1 });
      const logs = await expectJson<{ items: LogJson[] }>(await api.fetch(`/api/files/${file.id}/logs`), 200);
      expect(logs.items.at(-1)).toMatchObject({
        stepName: 'extract_text',
        status: 'failure',
        message: 'OCR engine crashed',
        detail: 'exit 139',
      });
    });

    test('a late event (earlier occurredAt) is folded in order and does not undo a later success', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      await recordOk(api, file.id, 'hash_file', 'success', { occurredAt: '2020-01-01T10:00:05.000Z' });
      const late = await recordOk(api, file.id, 'hash_file', 'in_progress', {
        occurredAt: '2020-01-01T10:00:01.000+00:00',
      });
      expect(late.step).toMatchObject({
        status: 'success',
        startedAt: '2020-01-01T10:00:01.000Z',
        completedAt: '2020-01-01T10:00:05.000Z',
      });
    });

    test('the history is paged oldest first with an opaque cursor and no row twice', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      for (const status of ['in_progress', 'failure', 'pending', 'in_progress', 'success']) {
        await recordOk(api, file.id, 'hash_file', status);
      }
      const seen: LogJson[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor === null ? 'limit=2' : `limit=2&cursor=${encodeURIComponent(cursor)}`;
        const page = await expectJson<{ items: LogJson[]; nextCursor: string | null }>(
          await api.fetch(`/api/files/${file.id}/logs?${query}`),
          200,
        );
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toHaveLength(6);
      expect(new Set(seen.map((log) => log.id)).size).toBe(6);
      expect(seen.filter((log) => log.stepName !== null).map((log) => log.status)).toEqual([
        'in_progress',
        'failure',
        'pending',
        'in_progress',
        'success',
      ]);
    });

    test('initialising steps creates only missing rows, so repeating it changes nothing', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api, { workflow: 'short' });
      expect(
        await expectJson(await api.fetch(`/api/files/${file.id}/steps`, { method: 'POST' }), 200),
      ).toEqual({ created: [] });
      const named = post({ steps: ['compute_embedding', 'hash_file'] });
      expect(await expectJson(await api.fetch(`/api/files/${file.id}/steps`, named), 200)).toEqual({
        created: ['compute_embedding'],
      });
      expect(await expectJson(await api.fetch(`/api/files/${file.id}/steps`, named), 200)).toEqual({
        created: [],
      });
    });

    test('upload steps are added per destination, once', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      const request = post({ destinations: ['dropbox', 's3'] });
      const first = await expectJson<{ created: string[] }>(
        await api.fetch(`/api/files/${file.id}/uploads`, request),
        200,
      );
      expect(first.created.sort()).toEqual([
        'queue_dropbox',
        'queue_s3',
        'upload_to_dropbox',
        'upload_to_s3',
      ]);
      expect(await expectJson(await api.fetch(`/api/files/${file.id}/uploads`, request), 200)).toEqual({
        created: [],
      });
      const summary = await expectJson<{ totalUploadTasks: number }>(
        await api.fetch(`/api/files/${file.id}/summary`),
        200,
      );
      expect(summary.totalUploadTasks).toBe(2);
    });

    test('retry re-queues failed steps and refuses a step that did not fail', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      await recordOk(api, file.id, 'hash_file', 'in_progress');
      await recordOk(api, file.id, 'hash_file', 'failure', { errorMessage: 'timeout' });
      await expectError(
        await api.fetch(`/api/files/${file.id}/retry`, post({ steps: ['extract_text'] })),
        409,
        'NOT_RETRYABLE',
      );
      expect(
        await expectJson(await api.fetch(`/api/files/${file.id}/retry`, { method: 'POST' }), 200),
      ).toEqual({ retried: ['hash_file'] });
      const steps = await expectJson<{ steps: Record<string, Record<string, unknown>> }>(
        await api.fetch(`/api/files/${file.id}/steps`),
        200,
      );
      expect(steps.steps['hash_file']).toMatchObject({
        status: 'pending',
        attempts: 1,
        errorMessage: 'timeout',
      });
      expect(
        await expectJson<OverallJson>(await api.fetch(`/api/files/${file.id}/status`), 200),
      ).toMatchObject({ status: 'processing' });
    });

    test('marking a duplicate shows status duplicate; clearing the mark restores the step-based status', async () => {
      const api = ctx.api();
      const original = await registerExternal(api);
      const { file } = await registerExternal(api, { filehash: original.file.filehash });
      const marked = await expectJson<{ file: FileJson; status: OverallJson }>(
        await api.fetch(`/api/files/${file.id}`, {
          ...post({ isDuplicate: true, duplicateOfId: original.file.id }),
          method: 'PATCH',
        }),
        200,
      );
      expect(marked.file).toMatchObject({ isDuplicate: true, duplicateOfId: original.file.id });
      expect(marked.status).toMatchObject({ status: 'duplicate', totalSteps: 0 });
      const listed = await expectJson<{ items: Array<{ id: number }> }>(
        await api.fetch(`/api/files?status=duplicate&q=${encodeURIComponent(file.originalFilename ?? '')}`),
        200,
      );
      expect(listed.items.map((item) => item.id)).toEqual([file.id]);
      const cleared = await expectJson<{ file: FileJson; status: OverallJson }>(
        await api.fetch(`/api/files/${file.id}`, { ...post({ isDuplicate: false }), method: 'PATCH' }),
        200,
      );
      expect(cleared.file).toMatchObject({ isDuplicate: false, duplicateOfId: null });
      expect(cleared.status).toMatchObject({ status: 'pending', totalSteps: 8 });
    });

    test('deleting a file removes it and its steps; its history stays', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      await recordOk(api, file.id, 'hash_file', 'success');
      expect((await api.fetch(`/api/files/${file.id}`, { method: 'DELETE' })).status).toBe(204);
      await expectError(await api.fetch(`/api/files/${file.id}`), 404, 'FILE_NOT_FOUND');
      await expectError(await api.fetch(`/api/files/${file.id}/steps`), 404, 'FILE_NOT_FOUND');
      expect(await api.store.reads.steps.listForFile(file.id)).toEqual([]);
      const history = await api.store.reads.logs.page(file.id, 100, null);
      expect(history.items.map((log) => log.stepName ?? log.message)).toEqual([
        'File registered by an external pipeline (workflow default)',
        'hash_file',
        'File deleted: its step rows are removed, this history stays',
      ]);
    });
  });
}
