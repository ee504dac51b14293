import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { titleWithSkipReason } from '@steptrail/test-servers/backend-urls';
import { scratchDir, startApi } from '../api-harness.js';
import { expectError, expectJson, post } from '../http.js';
import { recordEvent, recordOk, registerExternal, upload } from '../fixtures.js';
import type { SuiteContext } from './suite-context.js';

const MISSING = 987_654_321;

export function errorTests(ctx: SuiteContext): void {
  describe('errors', () => {
    test('a 400 lists every problem of the request at once, across path and body', async () => {
      const api = ctx.api();
      const response = await api.fetch(
        '/api/files/abc/events',
        post({ status: 'bogus', message: 5, colour: 'red' }),
      );
      const body = await expectError(response, 400, 'VALIDATION_FAILED');
      const problems = body.error.details?.problems ?? [];
      expect(problems.map((problem) => problem.path).sort()).toEqual([
        'body.colour',
        'body.message',
        'body.status',
        'body.stepName',
        'params.id',
      ]);
      expect(problems.find((problem) => problem.path === 'body.status')?.code).toBe('UNKNOWN_STATUS');
      expect(problems.find((problem) => problem.path === 'body.colour')?.code).toBe('unrecognized_key');
    });

    test("a refusal by one domain rule carries that rule's code", async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      await expectError(
        await recordEvent(api, file.id, { stepName: 'hash_file', status: 'done' }),
        400,
        'UNKNOWN_STATUS',
      );
      await expectError(
        await recordEvent(api, file.id, { stepName: 'Hash File', status: 'success' }),
        400,
        'INVALID_STEP_NAME',
      );
      await expectError(
        await recordEvent(api, file.id, { stepName: 'hash_file', status: 'success', errorMessage: 'x' }),
        400,
        'INVALID_EVENT',
      );
      await expectError(await api.fetch('/api/files?status=finished'), 400, 'UNKNOWN_STATUS');
      await expectError(
        await api.fetch(`/api/files/${file.id}/uploads`, post({ destinations: ['Drop Box'] })),
        400,
        'INVALID_STEP_NAME',
      );
      await expectError(await upload(api, 'x', 'x.pdf', { workflow: 'nope' }), 400, 'UNKNOWN_WORKFLOW');
      await expectError(
        await api.fetch(
          '/api/files',
          post({ originalFilename: 'a', filehash: 'f'.repeat(64), fileSize: 1, workflow: 'nope' }),
        ),
        400,
        'UNKNOWN_WORKFLOW',
      );
    });

    test('malformed JSON is 400 INVALID_JSON; a bad log cursor or multipart body is 400 with its problem', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      await expectError(
        await api.fetch(`/api/files/${file.id}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"stepName":',
        }),
        400,
        'INVALID_JSON',
      );
      const bare = await expectError(
        await api.fetch(`/api/files/${file.id}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: 'null',
        }),
        400,
        'INVALID_JSON',
      );
      expect(bare.error.message).toMatch(/not a JSON object or array.*bare value such as null/);
      const cursor = await expectError(
        await api.fetch(`/api/files/${file.id}/logs?cursor=not-a-cursor`),
        400,
        'VALIDATION_FAILED',
      );
      expect(cursor.error.details?.problems?.[0]?.path).toBe('query.cursor');
      const form = new FormData();
      form.set('document', new Blob(['x']), 'x.pdf');
      form.set('colour', 'red');
      const multipart = await expectError(
        await api.fetch('/api/files', { method: 'POST', body: form }),
        400,
        'VALIDATION_FAILED',
      );
      expect(multipart.error.details?.problems?.map((problem) => problem.path).sort()).toEqual([
        'body.colour',
        'body.document',
        'body.file',
      ]);
      await expectError(await api.fetch('/api/files?limit=0&page=2'), 400, 'VALIDATION_FAILED');
      for (const [type, body] of [
        ['multipart/form-data; boundary=xyz', 'no parts here'],
        ['multipart/form-data', '--xyz\r\n'],
      ]) {
        const broken = await api.fetch('/api/files', {
          method: 'POST',
          headers: { 'content-type': type! },
          body: body!,
        });
        const problem = (await expectError(broken, 400, 'VALIDATION_FAILED')).error.details?.problems?.[0];
        expect(problem).toMatchObject({ path: 'body', code: 'invalid_multipart' });
      }
    });

    test('every file route answers 404 FILE_NOT_FOUND for a file that does not exist', async () => {
      const api = ctx.api();
      const requests: Array<[string, RequestInit]> = [
        [`/api/files/${MISSING}`, {}],
        [`/api/files/${MISSING}/status`, {}],
        [`/api/files/${MISSING}/steps`, {}],
        [`/api/files/${MISSING}/summary`, {}],
        [`/api/files/${MISSING}/logs`, {}],
        [`/api/files/${MISSING}/steps`, post({})],
        [`/api/files/${MISSING}/uploads`, post({ destinations: ['s3'] })],
        [`/api/files/${MISSING}/events`, post({ stepName: 'hash_file', status: 'success' })],
        [`/api/files/${MISSING}/retry`, post({})],
        [`/api/files/${MISSING}`, { ...post({ isDuplicate: true }), method: 'PATCH' }],
        [`/api/files/${MISSING}`, { method: 'DELETE' }],
      ];
      for (const [path, init] of requests) {
        const body = await expectError(await api.fetch(path, init), 404, 'FILE_NOT_FOUND');
        expect(body.error.details).toEqual({ fileId: MISSING });
      }
      await expectError(await api.fetch('/api/nothing-here'), 404, 'ROUTE_NOT_FOUND');
    });

    const noForeignKeys = ctx.backend.foreignKeys
      ? null
      : 'the in-memory store declares no foreign keys (files.duplicate_of_id)';
    test.skipIf(noForeignKeys !== null)(
      titleWithSkipReason(
        'a dangling duplicate reference is 409 CONFLICT; deleting an original that a duplicate references leaves a tombstone',
        noForeignKeys,
      ),
      async () => {
        const api = ctx.api();
        const original = await registerExternal(api);
        const { file } = await registerExternal(api);
        const dangling = await api.fetch(`/api/files/${file.id}`, {
          ...post({ isDuplicate: true, duplicateOfId: MISSING }),
          method: 'PATCH',
        });
        expect((await expectError(dangling, 409, 'CONFLICT')).error.details).toEqual({
          storeError: 'foreign_key_violation',
        });
        await expectJson(
          await api.fetch(`/api/files/${file.id}`, {
            ...post({ isDuplicate: true, duplicateOfId: original.file.id }),
            method: 'PATCH',
          }),
          200,
        );
        // docs/architecture.md#deleting-files: the row stays as a tombstone, so the reference never dangles.
        expect((await api.fetch(`/api/files/${original.file.id}`, { method: 'DELETE' })).status).toBe(204);
        await expectError(await api.fetch(`/api/files/${original.file.id}`), 404, 'FILE_NOT_FOUND');
        const history = await expectJson<{ items: Array<{ message: string | null }> }>(
          await api.fetch(`/api/files/${original.file.id}/logs`),
          200,
        );
        expect(history.items.at(-1)?.message).toBe(
          'File deleted: its step rows are removed, this history stays',
        );
        const duplicate = await expectJson<{ file: { isDuplicate: boolean; duplicateOfId: number | null } }>(
          await api.fetch(`/api/files/${file.id}`),
          200,
        );
        expect(duplicate.file).toMatchObject({ isDuplicate: true, duplicateOfId: original.file.id });
      },
    );

    test('an upload or JSON body over its limit is 413 and leaves nothing behind', async () => {
      const api = ctx.api();
      const before = readdirSync(api.config.storageDir).sort();
      const body = await expectError(
        await upload(api, 'x'.repeat(api.config.maxUploadBytes + 1), 'big.pdf'),
        413,
        'PAYLOAD_TOO_LARGE',
      );
      expect(body.error.details).toEqual({ limitBytes: api.config.maxUploadBytes });
      expect(readdirSync(api.config.storageDir).sort()).toEqual(before);
      expect(readdirSync(join(api.config.storageDir, '.incoming'))).toEqual([]);
      const { file } = await registerExternal(api);
      const huge = { stepName: 'hash_file', status: 'success', message: 'y'.repeat(api.config.maxJsonBytes) };
      await expectError(await recordEvent(api, file.id, huge), 413, 'PAYLOAD_TOO_LARGE');
      await expectJson(await api.fetch(`/api/files/${file.id}`), 200);
    });

    test('a body of a media type the route does not read is 415', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      const text = (body: string, type = 'text/plain'): RequestInit => ({
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
      await expectError(
        await api.fetch(`/api/files/${file.id}/events`, text('stepName=hash_file')),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      await expectError(
        await api.fetch('/api/files', text('<file/>', 'application/xml')),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      const patch = await api.fetch(`/api/files/${file.id}`, {
        ...text('isDuplicate=true', 'application/x-www-form-urlencoded'),
        method: 'PATCH',
      });
      const body = await expectError(patch, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(body.error.details).toMatchObject({ accepted: ['application/json'] });
    });

    test('a storage failure during an upload is a 500 INTERNAL, not blamed on the client', async () => {
      const notADirectory = join(scratchDir(), 'plain-file');
      writeFileSync(notADirectory, 'x');
      const api = await startApi(ctx.databaseUrl(), { STORAGE_DIR: notADirectory, LOG_LEVEL: 'fatal' });
      try {
        const response = await upload(api, 'content', 'a.pdf');
        const body = await expectError(response, 500, 'INTERNAL');
        // The answer names the request id its log lines carry, so the fault can be found.
        expect(body.error.details).toEqual({ requestId: response.headers.get('x-request-id') });
      } finally {
        await api.close();
      }
    });

    test('a failing database answers 500/503 in the error shape, with no stack trace, and readiness turns 503', async () => {
      const api = await startApi(ctx.databaseUrl(), { LOG_LEVEL: 'fatal' });
      try {
        const { file } = await registerExternal(api);
        await recordOk(api, file.id, 'hash_file', 'in_progress');
        await api.store.close();
        const response = await recordEvent(api, file.id, { stepName: 'hash_file', status: 'success' });
        expect([500, 503]).toContain(response.status);
        const body = await expectError(
          response,
          response.status,
          response.status === 500 ? 'INTERNAL' : 'STORE_UNAVAILABLE',
        );
        expect(body.error.message).not.toMatch(/closed|DataSource|sqlite|pg|mysql/i);
        await expectError(await api.fetch('/readyz'), 503, 'NOT_READY');
      } finally {
        await api.close();
      }
    });
  });
}
