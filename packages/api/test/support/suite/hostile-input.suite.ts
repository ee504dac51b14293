import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { expectError, expectJson, post, type ErrorJson } from '../http.js';
import { rawRequest } from '../raw-http.js';
import { startApi } from '../api-harness.js';
import { recordEvent, recordOk, registerExternal, sha256, uniqueName } from '../fixtures.js';
import type { SuiteContext } from './suite-context.js';

const problemPaths = (body: ErrorJson): string[] =>
  (body.error.details?.problems ?? []).map((problem) => problem.path).sort();

/** Bad input found by the reliability run: each answered 500 (or stopped the process) before it was fixed. */
export function hostileInputTests(ctx: SuiteContext): void {
  describe('hostile input is refused with a 4xx that says why', () => {
    test('malformed percent-encoding in a path id is 400, not 500', async () => {
      const api = ctx.api();
      for (const path of [
        '/api/files/%ZZ',
        '/api/files/%C0%AF',
        '/api/files/%E0%A4%A',
        '/api/files/%/steps',
      ]) {
        const response = await rawRequest(api.url, { path });
        expect({ path, status: response.status }).toEqual({ path, status: 400 });
        expect(response.body).toContain('percent-encoding');
      }
      for (const path of ['/%', '/%C0%AF']) expect((await rawRequest(api.url, { path })).status).toBe(404);
    });

    test('a body in an unsupported or corrupt content encoding is 415 or 400 naming the accepted ones', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      const event = JSON.stringify({ stepName: 'hash_file', status: 'in_progress' });
      const send = (encoding: string, body: string | Buffer, type = 'application/json') =>
        rawRequest(api.url, {
          method: 'POST',
          path: `/api/files/${file.id}/events`,
          headers: { 'content-type': type, 'content-encoding': encoding },
          body,
        });
      for (const encoding of ['br', 'gzip', 'deflate']) {
        const corrupt = await send(encoding, event);
        expect({ encoding, status: corrupt.status }).toEqual({ encoding, status: 400 });
        expect(corrupt.body).toContain('accepted encodings: identity, gzip, deflate, br');
      }
      const unsupported = await send('compress', event);
      expect(unsupported.status).toBe(415);
      expect(JSON.parse(unsupported.body)).toMatchObject({
        error: {
          code: 'UNSUPPORTED_MEDIA_TYPE',
          details: { accepted: ['identity', 'gzip', 'deflate', 'br'] },
        },
      });
      const compressedUpload = await rawRequest(api.url, {
        method: 'POST',
        path: '/api/files',
        headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-encoding': 'gzip' },
        body: gzipSync('--x--\r\n'),
      });
      expect(JSON.parse(compressedUpload.body)).toMatchObject({
        error: { code: 'UNSUPPORTED_MEDIA_TYPE', details: { accepted: ['identity'] } },
      });
      expect((await send('gzip', gzipSync(event))).status).toBe(201);
    });

    test('a NUL character in any text field or in q= is 400 naming the field, and nothing is stored', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      const logsBefore = await expectJson<{ items: unknown[] }>(
        await api.fetch(`/api/files/${file.id}/logs`),
        200,
      );
      const event = { stepName: 'hash_file', status: 'failure' };
      for (const field of ['message', 'detail', 'errorMessage', 'taskId']) {
        const body = await expectError(
          await recordEvent(api, file.id, { ...event, [field]: 'a\u0000b' }),
          400,
          'VALIDATION_FAILED',
        );
        expect(problemPaths(body)).toEqual([`body.${field}`]);
        expect(body.error.message).toContain('NUL');
      }
      const name = uniqueName('nul');
      const registration = { originalFilename: `${name}.pdf`, filehash: sha256(name), fileSize: 1 };
      for (const field of ['originalFilename', 'mimeType', 'localFilename', 'workflow']) {
        const body = await expectError(
          await api.fetch('/api/files', post({ ...registration, [field]: 'x\u0000.pdf' })),
          400,
          'VALIDATION_FAILED',
        );
        expect(problemPaths(body)).toContain(`body.${field}`);
      }
      const search = await expectError(await api.fetch('/api/files?q=a%00b'), 400, 'VALIDATION_FAILED');
      expect(problemPaths(search)).toEqual(['query.q']);
      const logsAfter = await expectJson<{ items: unknown[] }>(
        await api.fetch(`/api/files/${file.id}/logs`),
        200,
      );
      expect(logsAfter.items).toEqual(logsBefore.items);
      const listed = await expectJson<{ items: unknown[] }>(await api.fetch(`/api/files?q=${name}`), 200);
      expect(listed.items).toEqual([]);
    });

    test('a lone UTF-16 surrogate in any text field is 400 naming the field: no database stores it unchanged', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      const logsBefore = await expectJson<{ items: unknown[] }>(
        await api.fetch(`/api/files/${file.id}/logs`),
        200,
      );
      const event = { stepName: 'hash_file', status: 'failure' };
      for (const [field, text] of [
        ['message', 'a\ud800b'],
        ['detail', 'trailing \udfff'],
        ['errorMessage', '\udc00\ud800'],
        ['taskId', 'task-\ud83d'],
      ] as const) {
        const body = await expectError(
          await recordEvent(api, file.id, { ...event, [field]: text }),
          400,
          'VALIDATION_FAILED',
        );
        expect(problemPaths(body)).toEqual([`body.${field}`]);
        expect(body.error.message).toContain('lone UTF-16 surrogate');
      }
      const batch = await expectJson<{ results: Array<{ result: string; error?: ErrorJson['error'] }> }>(
        await api.fetch('/api/events', post({ events: [{ fileId: file.id, ...event, message: 'x\ud800' }] })),
        200,
      );
      expect(batch.results[0]).toMatchObject({ result: 'refused', reason: 'validation' });
      expect(batch.results[0]?.error?.details?.['problems']).toEqual([
        expect.objectContaining({ path: 'body.events.0.message', code: 'invalid_character' }),
      ]);
      const name = uniqueName('surrogate');
      const registration = { originalFilename: `${name}\ud800.pdf`, filehash: sha256(name), fileSize: 1 };
      const registered = await expectError(
        await api.fetch('/api/files', post(registration)),
        400,
        'VALIDATION_FAILED',
      );
      expect(problemPaths(registered)).toEqual(['body.originalFilename']);
      // A well-formed pair (an emoji) is text like any other.
      await recordOk(api, file.id, 'hash_file', 'failure', { errorMessage: 'kaputt 😀' });
      const logsAfter = await expectJson<{ items: Array<{ message: string | null }> }>(
        await api.fetch(`/api/files/${file.id}/logs`),
        200,
      );
      expect(logsAfter.items.length).toBe(logsBefore.items.length + 1);
      expect(logsAfter.items.at(-1)?.message).toBe('kaputt 😀');
    });

    test('ids and cursors beyond what the database holds are 400 stating the range', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      const tooBig = await expectError(await api.fetch('/api/files/2147483648'), 400, 'VALIDATION_FAILED');
      expect(tooBig.error.message).toContain('from 1 to 2147483647');
      await expectJson(await api.fetch('/api/files/2147483647'), 404);
      const duplicate = await expectError(
        await api.fetch(`/api/files/${file.id}`, {
          ...post({ isDuplicate: true, duplicateOfId: 2 ** 32 }),
          method: 'PATCH',
        }),
        400,
        'VALIDATION_FAILED',
      );
      expect(problemPaths(duplicate)).toEqual(['body.duplicateOfId']);
      await expectError(await api.fetch('/api/files?cursor=99999999999'), 400, 'VALIDATION_FAILED');
      await expectError(
        await api.fetch('/api/events', { headers: { 'last-event-id': '2147483648' } }),
        400,
        'VALIDATION_FAILED',
      );
      const crafted = [
        '0000-01-01T00:00:00.000Z|1',
        '+275760-09-13T00:00:00.000Z|1',
        '2024-01-01T00:00:00.000Z|2147483648',
        '2024-01-01T00:00:00.000Z|99999999999999',
      ].map((text) => Buffer.from(text).toString('base64url'));
      for (const cursor of crafted) {
        const body = await expectError(
          await api.fetch(`/api/files/${file.id}/logs?cursor=${cursor}`),
          400,
          'VALIDATION_FAILED',
        );
        expect(problemPaths(body)).toEqual(['query.cursor']);
      }
      const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const craftedPages = [
        // GET /api/stuck continues after (file id, step name)
        `/api/stuck?cursor=${Buffer.from('2147483648|hash_file').toString('base64url')}`,
        `/api/stuck?cursor=${Buffer.from('9999999999|hash_file').toString('base64url')}`,
        // GET /api/files continues after (sort value, id); the sort value is a time for created and updated
        `/api/files?sort=created&cursor=${base64url(['created', 'desc', '0000-01-01T00:00:00.000Z', 1])}`,
        `/api/files?sort=updated&order=asc&cursor=${base64url(['updated', 'asc', '+275760-09-13T00:00:00.000Z', 1])}`,
        `/api/files?sort=created&cursor=${base64url(['created', 'desc', '-000001-01-01T00:00:00.000Z', 1])}`,
        `/api/files?cursor=${base64url(['id', 'desc', null, 2 ** 31])}`,
      ];
      for (const path of craftedPages) {
        const body = await expectError(await api.fetch(path), 400, 'VALIDATION_FAILED');
        expect({ path, problems: problemPaths(body) }).toEqual({ path, problems: ['query.cursor'] });
      }
    });

    test('event times outside 1970..9999 are 400 stating the range; the earliest allowed is stored unchanged', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      for (const occurredAt of [
        '0000-01-01T00:00:00Z',
        '0001-06-01T12:00:00Z',
        '1969-12-31T23:59:59.999Z',
        '9999-12-31T23:59:59-01:00',
      ]) {
        const body = await expectError(
          await recordEvent(api, file.id, { stepName: 'hash_file', status: 'in_progress', occurredAt }),
          400,
          'VALIDATION_FAILED',
        );
        expect(body.error.message).toContain('from 1970-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z');
      }
      const earliest = '1970-01-01T00:00:00.000Z';
      // The domain refuses times in the future, so the upper bound matters for cursors; a leap day stands in here.
      const latest = '2000-02-29T23:59:59.999Z';
      await recordOk(api, file.id, 'hash_file', 'in_progress', { occurredAt: earliest });
      await recordOk(api, file.id, 'hash_file', 'success', { occurredAt: latest });
      const history = await expectJson<{ items: Array<{ stepName: string | null; occurredAt: string }> }>(
        await api.fetch(`/api/files/${file.id}/logs`),
        200,
      );
      const times = history.items.filter((row) => row.stepName === 'hash_file').map((row) => row.occurredAt);
      expect(times).toEqual([earliest, latest]);
    });

    test('a failure message that JSON-escapes beyond a TEXT column is recorded, and its webhook payload is shortened', async () => {
      const api = await startApi(ctx.databaseUrl(), { MAX_JSON_BYTES: String(1024 * 1024) });
      const { file } = await registerExternal(api);
      const webhook = await expectJson<{ id: number }>(
        await api.fetch('/api/webhooks', post({ url: 'http://127.0.0.1:9/hook', events: ['step.failed'] })),
        201,
      );
      try {
        // 16,383 control characters: six bytes each in JSON, 98 kB, beyond MySQL's 65,535-byte TEXT.
        const errorMessage = '\u0001'.repeat(16_383);
        await recordOk(api, file.id, 'hash_file', 'failure', { errorMessage });
        const batch = await expectJson<{ results: Array<{ result: string }> }>(
          await api.fetch(
            '/api/events',
            post({ events: [{ fileId: file.id, stepName: 'check_text', status: 'failure', errorMessage }] }),
          ),
          200,
        );
        expect(batch.results.map((result) => result.result)).toEqual(['applied']);
        const steps = await expectJson<{ steps: Record<string, { errorMessage: string | null }> }>(
          await api.fetch(`/api/files/${file.id}/steps`),
          200,
        );
        expect(steps.steps['hash_file']?.errorMessage).toBe(errorMessage);
        const { deliveries } = await expectJson<{ deliveries: Array<{ payload: string }> }>(
          await api.fetch(`/api/webhooks/${webhook.id}/deliveries`),
          200,
        );
        expect(deliveries).toHaveLength(2);
        for (const delivery of deliveries) {
          const sent = (JSON.parse(delivery.payload) as { data: { errorMessage: string } }).data.errorMessage;
          expect(sent).toBe(`${'\u0001'.repeat(2_000)}… (14383 more characters in the file's history)`);
        }
      } finally {
        await api.fetch(`/api/webhooks/${webhook.id}`, { method: 'DELETE' });
        await api.close();
      }
    });

    test('an event with an id whose answer JSON-escapes beyond 64 kB is recorded and replayed exactly', async () => {
      const api = await startApi(ctx.databaseUrl(), { MAX_JSON_BYTES: String(1024 * 1024) });
      try {
        const { file } = await registerExternal(api);
        const event = { eventId: uniqueName('long'), stepName: 'hash_file', status: 'failure' };
        // The stored answer holds the step's error: 16,383 control characters are 98 kB of JSON.
        const errorMessage = '\u001b'.repeat(16_383);
        const first = await recordEvent(api, file.id, { ...event, errorMessage });
        const firstText = await first.text();
        expect(first.status).toBe(201);
        const again = await recordEvent(api, file.id, { ...event, errorMessage });
        expect(again.status).toBe(201);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(await again.text()).toBe(firstText);
        const batch = await expectJson<{ results: Array<{ result: string }> }>(
          await api.fetch(
            '/api/events',
            post({
              events: [
                { fileId: file.id, ...event, errorMessage },
                { fileId: file.id, ...event, eventId: uniqueName('b'), errorMessage },
              ],
            }),
          ),
          200,
        );
        expect(batch.results.map((result) => result.result)).toEqual(['duplicate', 'applied']);
      } finally {
        await api.close();
      }
    });

    test('a body with 100,000 unknown keys gets a small error listing the first problems and the count of the rest', async () => {
      const api = await startApi(ctx.databaseUrl(), { MAX_JSON_BYTES: String(2 * 1024 * 1024) });
      try {
        const { file } = await registerExternal(api);
        const keys = Object.fromEntries(Array.from({ length: 100_000 }, (_, index) => [`k${index}`, index]));
        const response = await recordEvent(api, file.id, {
          stepName: 'hash_file',
          status: 'success',
          ...keys,
        });
        const text = await response.text();
        expect(response.status).toBe(400);
        expect(text.length).toBeLessThan(8_192);
        const body = JSON.parse(text) as ErrorJson;
        expect(body.error.details?.problems).toHaveLength(20);
        expect(body.error.details?.['unlistedProblems']).toBe(99_980);
        expect(body.error.message).toContain('and 99980 more problems');
      } finally {
        await api.close();
      }
    });
  });
}
