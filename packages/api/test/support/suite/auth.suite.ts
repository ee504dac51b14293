import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApi, type RunningApi } from '../api-harness.js';
import { expectError, expectJson, post } from '../http.js';
import { sha256, uniqueName } from '../fixtures.js';
import type { SuiteContext } from './suite-context.js';

const SECRETS = {
  reader: 'r3ader-secret-0123456789',
  writer: 'wr1ter-secret-0123456789',
  pipeline: 'p1peline:secret:0123456789',
  ops: '0ps-secret-0123456789abc',
};
const API_TOKENS = [
  `reader:read:${SECRETS.reader}`,
  `writer:write:${SECRETS.writer}`,
  `pipeline:read,write:${SECRETS.pipeline}`,
  `ops:admin:${SECRETS.ops}`,
].join(';');

const bearer = (secret: string): Record<string, string> => ({ authorization: `Bearer ${secret}` });

export function authTests(ctx: SuiteContext): void {
  describe('bearer tokens with scopes', () => {
    let api: RunningApi;
    beforeAll(async () => {
      api = await startApi(ctx.databaseUrl(), { API_TOKENS });
    });
    afterAll(async () => api?.close());

    const register = (headers: Record<string, string>) => {
      const name = uniqueName('auth');
      return api.fetch(
        '/api/files',
        post({ originalFilename: `${name}.pdf`, filehash: sha256(name), fileSize: 1 }, headers),
      );
    };

    test('without a token protected routes are 401 with a Bearer challenge; public routes answer', async () => {
      for (const path of [
        '/api/files',
        '/api/files/1',
        '/api/files/1/download/original',
        '/api/events',
        '/metrics',
      ]) {
        const response = await api.fetch(path);
        await expectError(response, 401, 'UNAUTHORIZED');
        expect(response.headers.get('www-authenticate')).toBe('Bearer realm="steptrail"');
      }
      await expectError(await register({}), 401, 'UNAUTHORIZED');
      for (const path of ['/healthz', '/readyz', '/api/openapi.json', '/'])
        expect((await api.fetch(path)).status).toBe(200);
    });

    test('a wrong or malformed token is 401', async () => {
      const wrong = await api.fetch('/api/files', { headers: bearer(`${SECRETS.reader}x`) });
      await expectError(wrong, 401, 'UNAUTHORIZED');
      expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
      await expectError(
        await api.fetch('/api/files', { headers: { authorization: `Basic ${SECRETS.reader}` } }),
        401,
        'UNAUTHORIZED',
      );
      await expectError(
        await api.fetch('/api/files', { headers: bearer(SECRETS.reader.slice(0, 10)) }),
        401,
        'UNAUTHORIZED',
      );
    });

    test('a token without the scope a route needs is 403', async () => {
      const denied = await register(bearer(SECRETS.reader));
      const body = await expectError(denied, 403, 'FORBIDDEN');
      expect(body.error.details).toEqual({ required: 'write' });
      expect(denied.headers.get('www-authenticate')).toContain('error="insufficient_scope", scope="write"');
      await expectError(await api.fetch('/api/files', { headers: bearer(SECRETS.writer) }), 403, 'FORBIDDEN');
      const created = await expectJson<{ file: { id: number } }>(await register(bearer(SECRETS.writer)), 201);
      await expectError(
        await api.fetch(`/api/files/${created.file.id}`, {
          method: 'DELETE',
          headers: bearer(SECRETS.pipeline),
        }),
        403,
        'FORBIDDEN',
      );
    });

    test('read grants reads, read+write grants both, admin grants everything', async () => {
      const created = await expectJson<{ file: { id: number } }>(
        await register(bearer(SECRETS.pipeline)),
        201,
      );
      const id = created.file.id;
      await expectJson(await api.fetch(`/api/files/${id}`, { headers: bearer(SECRETS.reader) }), 200);
      await expectJson(
        await api.fetch(
          `/api/files/${id}/events`,
          post({ stepName: 'hash_file', status: 'success' }, bearer(SECRETS.pipeline)),
        ),
        201,
      );
      await expectJson(await api.fetch(`/api/files/${id}/status`, { headers: bearer(SECRETS.ops) }), 200);
      expect((await api.fetch('/metrics', { headers: bearer(SECRETS.reader) })).status).toBe(200);
      expect(
        (await api.fetch(`/api/files/${id}`, { method: 'DELETE', headers: bearer(SECRETS.ops) })).status,
      ).toBe(204);
    });

    test('logs name the token of each request and never contain a secret', async () => {
      await api.fetch('/api/files', { headers: bearer(SECRETS.reader) });
      const lines = api.logs.filter((line) => line['msg'] === 'request finished');
      expect(lines.some((line) => line['token'] === 'reader')).toBe(true);
      const everything = JSON.stringify(api.logs);
      for (const secret of Object.values(SECRETS)) expect(everything).not.toContain(secret);
    });
  });
}
