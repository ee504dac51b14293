import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_WORKFLOW_STEPS } from '@steptrail/domain';
import { describe, expect, test } from 'vitest';
import { expectJson } from '../http.js';
import {
  recordOk,
  registerExternal,
  sha256,
  uniqueName,
  upload,
  type FileJson,
  type OverallJson,
} from '../fixtures.js';
import type { SuiteContext } from './suite-context.js';

interface ListJson {
  items: Array<{
    id: number;
    originalFilename: string | null;
    status: string;
    hasErrors: boolean;
    lastStep: string | null;
    updatedAt: string;
  }>;
  nextCursor: string | null;
  counts: Record<string, number>;
}

export function fileTests(ctx: SuiteContext): void {
  describe('files', () => {
    test('an upload whose content an older file has says so in its answer', async () => {
      const api = ctx.api();
      const content = `%PDF-1.7 ${uniqueName('twice')}`;
      type Created = { file: FileJson; duplicateOf: number | null };
      const first = await expectJson<Created>(await upload(api, content, 'first.pdf'), 201);
      const second = await expectJson<Created>(await upload(api, content, 'second.pdf'), 201);
      expect(first.duplicateOf).toBeNull();
      expect(second.duplicateOf).toBe(first.file.id);
    });

    test('an upload is stored under its SHA-256, registered as managed, with its workflow steps initialised', async () => {
      const api = ctx.api();
      const content = `%PDF-1.7 ${uniqueName('content')}`;
      const created = await expectJson<{ file: FileJson; status: OverallJson; duplicateOf: number | null }>(
        await upload(api, content, 'scan.pdf'),
        201,
      );
      const hash = sha256(content);
      expect(created.file).toMatchObject({
        filehash: hash,
        originalFilename: 'scan.pdf',
        localFilename: join(api.config.storageDir, hash.slice(0, 2), hash),
        fileSize: Buffer.byteLength(content),
        mimeType: 'application/pdf',
        managed: true,
        isDuplicate: false,
        workflow: { name: 'default', steps: [...DEFAULT_WORKFLOW_STEPS] },
      });
      expect(created.status).toEqual({
        status: 'pending',
        hasErrors: false,
        totalSteps: 8,
        completedSteps: 0,
        failedSteps: 0,
        inProgressSteps: 0,
        skippedSteps: 0,
      });
      expect(created.duplicateOf).toBeNull();
      expect(readFileSync(created.file.localFilename, 'utf8')).toBe(content);
      expect(readdirSync(join(api.config.storageDir, '.incoming'))).toEqual([]);
      const steps = await expectJson<{ steps: Record<string, { status: string }> }>(
        await api.fetch(`/api/files/${created.file.id}/steps`),
        200,
      );
      expect(Object.keys(steps.steps)).toEqual([...DEFAULT_WORKFLOW_STEPS]);
    });

    test('the same content uploaded twice is stored once and registered twice', async () => {
      const api = ctx.api();
      const content = uniqueName('same-content');
      const first = await expectJson<{ file: FileJson }>(await upload(api, content, 'a.pdf'), 201);
      const second = await expectJson<{ file: FileJson }>(await upload(api, content, 'b.pdf'), 201);
      expect(second.file.id).not.toBe(first.file.id);
      expect(second.file.localFilename).toBe(first.file.localFilename);
      expect(existsSync(first.file.localFilename)).toBe(true);
    });

    test('an upload can name a workflow profile, and the file keeps a snapshot of it', async () => {
      const api = ctx.api();
      const created = await expectJson<{ file: FileJson }>(
        await upload(api, uniqueName('short'), 'short.pdf', { workflow: 'short' }),
        201,
      );
      expect(created.file.workflow).toEqual({ name: 'short', steps: ['hash_file', 'extract_text'] });
      const steps = await expectJson<{ steps: Record<string, unknown> }>(
        await api.fetch(`/api/files/${created.file.id}/steps`),
        200,
      );
      expect(Object.keys(steps.steps)).toEqual(['hash_file', 'extract_text']);
    });

    test('a JSON registration creates an unmanaged file whose steps wait for the external pipeline', async () => {
      const api = ctx.api();
      const { file, status } = await registerExternal(api, {
        localFilename: '/srv/pipeline/in/x.pdf',
        workflow: 'short',
      });
      expect(file).toMatchObject({
        managed: false,
        localFilename: '/srv/pipeline/in/x.pdf',
        fileSize: 1234,
        mimeType: 'application/pdf',
      });
      expect(status.status).toBe('pending');
      const steps = await expectJson<{ steps: Record<string, { status: string; attempts: number }> }>(
        await api.fetch(`/api/files/${file.id}/steps`),
        200,
      );
      expect(steps.steps).toMatchObject({
        hash_file: { status: 'pending', attempts: 0 },
        extract_text: { status: 'pending', attempts: 0 },
      });
    });

    test('the list is newest first, paged by cursor, filtered on the rollup status and searched by name', async () => {
      const api = ctx.api();
      const prefix = uniqueName('listing');
      const ids: number[] = [];
      for (const n of [1, 2, 3])
        ids.push((await registerExternal(api, { originalFilename: `${prefix}-${n}.pdf` })).file.id);
      const first = await expectJson<ListJson>(
        await api.fetch(`/api/files?q=${prefix.toUpperCase()}&limit=2`),
        200,
      );
      expect(first.items.map((item) => item.id)).toEqual([ids[2], ids[1]]);
      expect(first.nextCursor).not.toBeNull();
      const second = await expectJson<ListJson>(
        await api.fetch(`/api/files?q=${prefix}&limit=2&cursor=${first.nextCursor}`),
        200,
      );
      expect(second.items.map((item) => item.id)).toEqual([ids[0]]);
      expect(second.nextCursor).toBeNull();

      await recordOk(api, ids[1]!, 'hash_file', 'failure', { errorMessage: 'disk full' });
      const failed = await expectJson<ListJson>(await api.fetch(`/api/files?q=${prefix}&status=failed`), 200);
      expect(failed.items).toEqual([
        expect.objectContaining({
          id: ids[1],
          status: 'failed',
          hasErrors: true,
          lastStep: 'hash_file',
          originalFilename: `${prefix}-2.pdf`,
        }),
      ]);
      expect(Object.keys(failed.counts).sort()).toEqual([
        'completed',
        'duplicate',
        'failed',
        'pending',
        'processing',
      ]);
      expect(failed.counts['failed']).toBeGreaterThanOrEqual(1);
    });

    test('GET /api/counts counts every file by status at the request, as the list does, whatever its filter', async () => {
      const api = ctx.api();
      type Counts = { counts: Record<string, number>; total: number };
      const { file } = await registerExternal(api);
      const before = await expectJson<Counts>(await api.fetch('/api/counts'), 200);
      const listed = await expectJson<ListJson>(await api.fetch('/api/files?status=completed&limit=1'), 200);
      expect(before.counts).toEqual(listed.counts);
      expect(before.total).toBe(Object.values(before.counts).reduce((sum, count) => sum + count, 0));
      await recordOk(api, file.id, 'hash_file', 'failure', { errorMessage: 'disk full' });
      const after = await expectJson<Counts>(await api.fetch('/api/counts'), 200);
      expect(after.counts).toEqual({
        ...before.counts,
        pending: before.counts['pending']! - 1,
        failed: before.counts['failed']! + 1,
      });
      expect(after.total).toBe(before.total);
    });

    test('detail, status, steps and summary describe the same state', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api, { workflow: 'short' });
      await recordOk(api, file.id, 'hash_file', 'in_progress');
      await recordOk(api, file.id, 'hash_file', 'success');
      await recordOk(api, file.id, 'extract_text', 'in_progress');
      const detail = await expectJson<{
        file: FileJson;
        status: OverallJson;
        summary: Record<string, unknown>;
      }>(await api.fetch(`/api/files/${file.id}`), 200);
      expect(detail.status).toEqual({
        status: 'processing',
        hasErrors: false,
        totalSteps: 2,
        completedSteps: 1,
        failedSteps: 0,
        inProgressSteps: 1,
        skippedSteps: 0,
      });
      expect(detail.file.lastStep).toBe('extract_text');
      expect(await expectJson(await api.fetch(`/api/files/${file.id}/status`), 200)).toEqual(detail.status);
      expect(await expectJson(await api.fetch(`/api/files/${file.id}/summary`), 200)).toEqual(detail.summary);
      expect(detail.summary).toEqual({
        main: { queued: 0, in_progress: 1, success: 1, failure: 0, skipped: 0, stopped: 0 },
        uploads: { queued: 0, in_progress: 0, success: 0, failure: 0, skipped: 0, stopped: 0 },
        totalMainSteps: 2,
        totalUploadTasks: 0,
      });
      const steps = await expectJson<{ steps: Record<string, Record<string, unknown>> }>(
        await api.fetch(`/api/files/${file.id}/steps`),
        200,
      );
      expect(steps.steps['hash_file']).toMatchObject({ status: 'success', attempts: 1, errorMessage: null });
      expect(typeof steps.steps['hash_file']?.['completedAt']).toBe('string');
      expect(steps.steps['extract_text']).toMatchObject({
        status: 'in_progress',
        completedAt: null,
        attempts: 1,
      });
    });
  });
}
