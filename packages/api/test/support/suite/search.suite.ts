import { describe, expect, test } from 'vitest';
import { expectError, expectJson } from '../http.js';
import { recordOk, registerExternal, sha256, uniqueName } from '../fixtures.js';
import type { SuiteContext } from './suite-context.js';

interface ListJson {
  items: Array<{ id: number; createdAt: string; updatedAt: string }>;
  nextCursor: string | null;
}

export function searchTests(ctx: SuiteContext): void {
  describe('file search', () => {
    test('filters by error text, failed step, several statuses, MIME type, hash prefix and times, exactly', async () => {
      const api = ctx.api();
      const name = uniqueName('search');
      const register = async (label: string, extra: Record<string, unknown> = {}) =>
        (await registerExternal(api, { originalFilename: `${name}-${label}.pdf`, ...extra })).file;
      const plain = await register('plain', { filehash: sha256(`${name}-plain`) });
      const image = await register('image', { mimeType: 'image/png' });
      const ocr = await register('ocr');
      const disk = await register('disk');
      await recordOk(api, ocr.id, 'extract_text', 'failure', { errorMessage: 'OCR answered 503 at /v1/ocr' });
      await recordOk(api, disk.id, 'hash_file', 'failure', { errorMessage: 'Disk full' });
      await recordOk(api, image.id, 'hash_file', 'in_progress');
      const ids = async (query: string) =>
        (await expectJson<ListJson>(await api.fetch(`/api/files?q=${name}&${query}`), 200)).items.map(
          (item) => item.id,
        );

      expect(await ids('status=failed,processing')).toEqual([disk.id, ocr.id, image.id]);
      expect(await ids('error=ocr%20ANSWERED')).toEqual([ocr.id]);
      expect(await ids('step=hash_file')).toEqual([disk.id]);
      expect(await ids('step=hash_file&error=ocr')).toEqual([]);
      expect(await ids('mimeType=image%2Fpng')).toEqual([image.id]);
      expect(await ids(`hash=${sha256(`${name}-plain`).slice(0, 10).toUpperCase()}`)).toEqual([plain.id]);
      expect(await ids(`createdFrom=${encodeURIComponent(ocr.createdAt)}&status=failed`)).toEqual([
        disk.id,
        ocr.id,
      ]);
      expect(await ids(`createdBefore=${encodeURIComponent(plain.createdAt)}`)).toEqual([]);
    });

    test('pages by created time in both directions with an opaque cursor bound to its order', async () => {
      const api = ctx.api();
      const name = uniqueName('order');
      const ids: number[] = [];
      for (let index = 0; index < 5; index += 1) {
        ids.push((await registerExternal(api, { originalFilename: `${name}-${index}.pdf` })).file.id);
      }
      for (const order of ['asc', 'desc'] as const) {
        const seen: number[] = [];
        let cursor: string | null = null;
        do {
          const query: string = `q=${name}&sort=created&order=${order}&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`;
          const page: ListJson = await expectJson<ListJson>(await api.fetch(`/api/files?${query}`), 200);
          seen.push(...page.items.map((item) => item.id));
          cursor = page.nextCursor;
        } while (cursor !== null);
        expect(seen).toEqual(order === 'asc' ? ids : [...ids].reverse());
      }
      const first = await expectJson<ListJson>(
        await api.fetch(`/api/files?q=${name}&sort=created&limit=2`),
        200,
      );
      const misused = await expectError(
        await api.fetch(`/api/files?q=${name}&sort=updated&limit=2&cursor=${first.nextCursor}`),
        400,
        'VALIDATION_FAILED',
      );
      expect(misused.error.details?.['problems']).toEqual([
        expect.objectContaining({ path: 'query.cursor' }),
      ]);
      await expectError(await api.fetch('/api/files?status=failed,lost'), 400, 'UNKNOWN_STATUS');
    });
  });
}
