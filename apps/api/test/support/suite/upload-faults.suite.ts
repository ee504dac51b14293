import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { startApi } from '../api-harness.js';
import { expectError, expectJson, type ErrorJson } from '../http.js';
import { abortedUpload, eventually, openFds, rawRequest } from '../raw-http.js';
import { upload, type FileJson } from '../fixtures.js';
import type { SuiteContext } from './suite-context.js';

/** Every file (not folder) under the storage directory. */
const storedFiles = (root: string): string[] =>
  readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();

const multipart = (parts: string, boundary = 'B0undary') => ({
  method: 'POST',
  path: '/api/files',
  headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  body: parts,
});

const filePart = (name: string, type: string, content: string, boundary = 'B0undary') =>
  `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
  `Content-Type: ${type}\r\n\r\n${content}\r\n`;

/** Uploads that broke off, lied about their parts or failed half-way: none may kill the API or leave a file. */
export function uploadFaultTests(ctx: SuiteContext): void {
  describe('upload faults', () => {
    test('a multipart body that ends without its closing boundary is 400 and the API keeps answering', async () => {
      const api = ctx.api();
      const truncated = filePart('x.pdf', 'application/pdf', '%PDF-1.4\n%%EOF\n') + '--';
      const response = await rawRequest(api.url, multipart(truncated));
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body)).toMatchObject({
        error: { details: { problems: [{ path: 'body', code: 'invalid_multipart' }] } },
      });
      expect(readdirSync(join(api.config.storageDir, '.incoming'))).toEqual([]);
      await expectJson(await api.fetch('/healthz'), 200);
    });

    test('200 uploads aborted by the client leave no open file and no temporary file', async () => {
      const api = ctx.api();
      await expectJson(await upload(api, 'warm-up', 'warm.pdf'), 201);
      const incoming = join(api.config.storageDir, '.incoming');
      const fdsBefore = openFds();
      for (let batch = 0; batch < 10; batch += 1) {
        await Promise.all(Array.from({ length: 20 }, () => abortedUpload(api.url, 3000, 1000)));
      }
      expect(await eventually(() => readdirSync(incoming).length === 0)).toBe(true);
      // Other parts of the test process (database pools) may open a handful; 200 leaked would show.
      expect(await eventually(() => openFds() <= fdsBefore + 10)).toBe(true);
      await expectJson(await upload(api, 'after the aborts', 'after.pdf'), 201);
    });

    test('a UTF-8 file name is stored as sent, and a path in it never leaves the storage directory', async () => {
      const api = ctx.api();
      const created = await expectJson<{ file: FileJson }>(
        await upload(api, 'März', 'März Übersicht €.pdf'),
        201,
      );
      expect(created.file.originalFilename).toBe('März Übersicht €.pdf');
      for (const name of ['../../../etc/passwd', '..\\..\\evil.pdf', '/abs/path.pdf']) {
        const stored = await expectJson<{ file: FileJson }>(await upload(api, `body of ${name}`, name), 201);
        expect(stored.file.localFilename.startsWith(`${api.config.storageDir}/`)).toBe(true);
        expect(stored.file.localFilename).toMatch(/\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
      }
    });

    test('a file of exactly MAX_UPLOAD_BYTES is accepted, one byte more is 413', async () => {
      const api = ctx.api();
      const limit = api.config.maxUploadBytes;
      const exact = await expectJson<{ file: FileJson }>(
        await upload(api, 'e'.repeat(limit), 'exact.pdf'),
        201,
      );
      expect(exact.file.fileSize).toBe(limit);
      await expectError(await upload(api, 'e'.repeat(limit + 1), 'over.pdf'), 413, 'PAYLOAD_TOO_LARGE');
    });

    test('a part Content-Type or file name over 255 characters is 400 naming it', async () => {
      const api = ctx.api();
      const longType = `application/${'x'.repeat(300)}`;
      const response = await rawRequest(
        api.url,
        multipart(`${filePart('a.pdf', longType, 'x')}--B0undary--\r\n`),
      );
      const body = JSON.parse(response.body) as ErrorJson;
      expect(response.status).toBe(400);
      expect(body.error.details?.problems?.map((problem) => problem.path)).toEqual(['body.file.contentType']);
      const longName = `${'n'.repeat(300)}.pdf`;
      const named = await expectError(await upload(api, 'x', longName), 400, 'VALIDATION_FAILED');
      expect(named.error.details?.problems?.map((problem) => problem.path)).toEqual(['body.file.filename']);
      expect(readdirSync(join(api.config.storageDir, '.incoming'))).toEqual([]);
    });

    test('an upload whose registration fails leaves no stored blob behind', async () => {
      const api = await startApi(ctx.databaseUrl(), { LOG_LEVEL: 'fatal' });
      try {
        await api.store.close();
        const response = await upload(api, `orphan ${Date.now()}`, 'orphan.pdf');
        expect(response.status).toBeGreaterThanOrEqual(500);
        expect(storedFiles(api.config.storageDir)).toEqual([]);
        expect(readdirSync(join(api.config.storageDir, '.incoming'))).toEqual([]);
      } finally {
        await api.close();
      }
    });
  });
}
