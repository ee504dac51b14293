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

    test('a malformed part before the file part is 400 and leaves no temporary file', async () => {
      const api = ctx.api();
      // busboy fails on the first part's header but still emits the file part it had read in the same chunk.
      const body =
        '--B0undary\r\nContent-Disposition: form-data; name="wo\u0000rk"\r\n\r\nx\r\n' +
        `${filePart('late.pdf', 'application/pdf', 'late content')}--B0undary--\r\n`;
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const response = await rawRequest(api.url, multipart(body));
        expect(response.status).toBe(400);
        expect(JSON.parse(response.body)).toMatchObject({
          error: { details: { problems: [{ path: 'body', code: 'invalid_multipart' }] } },
        });
      }
      const incoming = join(api.config.storageDir, '.incoming');
      expect(await eventually(() => readdirSync(incoming).length === 0, 2_000)).toBe(true);
    });

    test('UTF-8 file names in any script, quoted or as RFC 5987 filename*, are stored as sent', async () => {
      const api = ctx.api();
      const names = [
        'März Übersicht €.pdf',
        '東京の請求書.pdf',
        'Привет мир.pdf',
        'مرحبا.pdf',
        'नमस्ते दुनिया.pdf',
        'emoji 😀 🇩🇪.pdf',
      ];
      for (const name of names) {
        const created = await expectJson<{ file: FileJson }>(await upload(api, `body of ${name}`, name), 201);
        expect(created.file.originalFilename).toBe(name);
      }
      const encoded: Array<[string, string]> = [
        [`UTF-8''${encodeURIComponent('Ελληνικά März.pdf')}`, 'Ελληνικά März.pdf'],
        ["ISO-8859-1''M%E4rz%20%DCbersicht.pdf", 'März Übersicht.pdf'],
        [`utf-8'de'${encodeURIComponent('我的文件.pdf')}`, '我的文件.pdf'],
      ];
      for (const [parameter, expected] of encoded) {
        const part =
          `--B0undary\r\nContent-Disposition: form-data; name="file"; filename*=${parameter}\r\n` +
          `Content-Type: application/pdf\r\n\r\n${parameter}\r\n--B0undary--\r\n`;
        const response = await rawRequest(api.url, multipart(part));
        expect({ parameter, status: response.status }).toEqual({ parameter, status: 201 });
        const created = JSON.parse(response.body) as { file: FileJson };
        expect(created.file.originalFilename).toBe(expected);
        const read = await expectJson<{ file: FileJson }>(
          await api.fetch(`/api/files/${created.file.id}`),
          200,
        );
        expect(read.file.originalFilename).toBe(expected);
      }
      const nul = await rawRequest(
        api.url,
        multipart(
          '--B0undary\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8\'\'a%00b.pdf\r\n' +
            'Content-Type: application/pdf\r\n\r\nx\r\n--B0undary--\r\n',
        ),
      );
      expect(nul.status).toBe(400);
      const refused = JSON.parse(nul.body) as ErrorJson;
      expect(refused.error.details?.problems?.map((problem) => problem.path)).toEqual(['body.file.filename']);
    });

    test('a path in a file name never leaves the storage directory', async () => {
      const api = ctx.api();
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

    test("a part's Content-Type is stored as its lower-case type/subtype, the same on every database", async () => {
      const api = ctx.api();
      for (const [sent, stored] of [
        ['Application/PDF; charset=utf-8; name="x"', 'application/pdf'],
        ['%%%', 'text/plain'],
        ['', 'text/plain'],
        [`application/${'x'.repeat(243)}`, `application/${'x'.repeat(243)}`],
      ] as const) {
        const response = await rawRequest(
          api.url,
          multipart(`${filePart('typed.pdf', sent, `typed as ${sent}`)}--B0undary--\r\n`),
        );
        expect({ sent, status: response.status }).toEqual({ sent, status: 201 });
        const { file } = JSON.parse(response.body) as { file: FileJson };
        const read = await expectJson<{ file: FileJson }>(await api.fetch(`/api/files/${file.id}`), 200);
        expect(read.file.mimeType).toBe(stored);
      }
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
