import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { expectError, expectJson } from '../http.js';
import { recordOk, registerExternal, uniqueName, upload, type FileJson } from '../fixtures.js';
import type { RunningApi } from '../api-harness.js';
import type { SuiteContext } from './suite-context.js';

type Created = { file: FileJson };

const download = (api: RunningApi, id: number, kind: string, init?: RequestInit) =>
  api.fetch(`/api/files/${id}/download/${kind}`, init);

/** A processed document as the worker's storage step leaves it: a file in PROCESSED_DIR and its path in history. */
async function storeProcessed(
  api: RunningApi,
  fileId: number,
  name: string,
  content: string,
): Promise<string> {
  mkdirSync(api.config.processedDir, { recursive: true });
  const path = join(api.config.processedDir, name);
  writeFileSync(path, content);
  await recordOk(api, fileId, 'finalize_document_storage', 'success', {
    message: `Stored as ${name}`,
    detail: path,
  });
  return path;
}

export function downloadTests(ctx: SuiteContext): void {
  describe('downloads', () => {
    test('the original is sent as uploaded, as an attachment with its UTF-8 name and declared type', async () => {
      const api = ctx.api();
      const content = `%PDF-1.7 ${uniqueName('original')}`;
      const name = 'Rechnung März «Entwurf» 2026.pdf';
      const { file } = await expectJson<Created>(await upload(api, content, name), 201);
      const response = await download(api, file.id, 'original');
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(content);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(content)));
      expect(response.headers.get('accept-ranges')).toBe('bytes');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-disposition')).toBe(
        `attachment; filename="Rechnung M?rz ?Entwurf? 2026.pdf"; ` +
          `filename*=UTF-8''Rechnung%20M%C3%A4rz%20%C2%ABEntwurf%C2%BB%202026.pdf`,
      );
    });

    test('a range request answers 206 with exactly those bytes, and HEAD sends the headers only', async () => {
      const api = ctx.api();
      const content = `%PDF-1.7 ${uniqueName('ranged')} 0123456789`;
      const { file } = await expectJson<Created>(await upload(api, content, 'ranged.pdf'), 201);
      const ranged = await download(api, file.id, 'original', { headers: { range: 'bytes=9-14' } });
      expect(ranged.status).toBe(206);
      expect(ranged.headers.get('content-range')).toBe(`bytes 9-14/${Buffer.byteLength(content)}`);
      expect(await ranged.text()).toBe(content.slice(9, 15));
      const head = await download(api, file.id, 'original', { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(content)));
      expect(await head.text()).toBe('');
      const beyond = await download(api, file.id, 'original', { headers: { range: 'bytes=9000-9001' } });
      await expectError(beyond, 416, 'RANGE_NOT_SATISFIABLE');
      expect(beyond.headers.get('content-range')).toBe(`bytes */${Buffer.byteLength(content)}`);
      expect(beyond.headers.get('content-disposition')).toBeNull();
    });

    test('the processed document is the one the storage step recorded, typed by its extension', async () => {
      const api = ctx.api();
      const { file } = await expectJson<Created>(
        await upload(api, `%PDF-1.7 ${uniqueName('p')}`, 'scan.pdf'),
        201,
      );
      await expectError(await download(api, file.id, 'processed'), 404, 'CONTENT_NOT_FOUND');
      const name = `2026-12-07_Invoice_Müller_${file.id}.pdf`;
      await storeProcessed(api, file.id, name, '%PDF-1.7 stamped');
      const response = await download(api, file.id, 'processed');
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('%PDF-1.7 stamped');
      expect(response.headers.get('content-type')).toBe('application/pdf');
      expect(response.headers.get('content-disposition')).toContain(
        `filename*=UTF-8''2026-12-07_Invoice_M%C3%BCller_${file.id}.pdf`,
      );
      expect(response.headers.get('cache-control')).toBe('private, no-cache');
    });

    test('a file without a download answers 404 saying why, and an unknown file or kind is refused', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      const absent = await download(api, file.id, 'original');
      expect(absent.headers.get('content-disposition')).toBeNull();
      const original = await expectError(absent, 404, 'CONTENT_NOT_FOUND');
      expect(original.error.message).toContain('STORAGE_DIR');
      expect(original.error.details).toEqual({ fileId: file.id, kind: 'original' });
      const processed = await expectError(
        await download(api, file.id, 'processed'),
        404,
        'CONTENT_NOT_FOUND',
      );
      expect(processed.error.message).toContain('finalize_document_storage');
      await expectError(await download(api, 2_000_000_000, 'original'), 404, 'FILE_NOT_FOUND');
      const kind = await expectError(await download(api, file.id, 'stamped'), 400, 'VALIDATION_FAILED');
      expect(kind.error.details?.problems?.[0]?.path).toBe('params.kind');
      expect(kind.error.details?.problems?.[0]?.message).toMatch(/original.*processed/);
    });

    test('a recorded path outside PROCESSED_DIR, or a link out of it, is never sent', async () => {
      const api = ctx.api();
      const secret = `%PDF-1.7 ${uniqueName('elsewhere')}`;
      const { file: other } = await expectJson<Created>(await upload(api, secret, 'other.pdf'), 201);
      const { file } = await registerExternal(api);
      await recordOk(api, file.id, 'finalize_document_storage', 'success', { detail: other.localFilename });
      const outside = await expectError(await download(api, file.id, 'processed'), 404, 'CONTENT_NOT_FOUND');
      expect(outside.error.message).toContain('PROCESSED_DIR');
      mkdirSync(api.config.processedDir, { recursive: true });
      const link = join(api.config.processedDir, `link-${file.id}.pdf`);
      symlinkSync(other.localFilename, link);
      await recordOk(api, file.id, 'finalize_document_storage', 'success', { detail: link });
      await expectError(await download(api, file.id, 'processed'), 404, 'CONTENT_NOT_FOUND');
      const traversal = join(api.config.processedDir, '..', '..', 'etc', 'passwd');
      await recordOk(api, file.id, 'finalize_document_storage', 'success', { detail: traversal });
      await expectError(await download(api, file.id, 'processed'), 404, 'CONTENT_NOT_FOUND');
    });

    test('a deleted file has no downloads', async () => {
      const api = ctx.api();
      const { file } = await expectJson<Created>(
        await upload(api, `%PDF-1.7 ${uniqueName('gone')}`, 'gone.pdf'),
        201,
      );
      await storeProcessed(api, file.id, `gone-${file.id}.pdf`, '%PDF-1.7 gone');
      expect((await download(api, file.id, 'processed')).status).toBe(200);
      expect((await api.fetch(`/api/files/${file.id}`, { method: 'DELETE' })).status).toBe(204);
      await expectError(await download(api, file.id, 'original'), 404, 'FILE_NOT_FOUND');
      await expectError(await download(api, file.id, 'processed'), 404, 'FILE_NOT_FOUND');
    });
  });
}
