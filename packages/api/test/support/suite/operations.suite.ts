import { validate } from '@readme/openapi-parser';
import { describe, expect, test } from 'vitest';
import { startApi } from '../api-harness.js';
import { buildDashboard } from '../dashboard-build.js';
import { expectJson } from '../http.js';
import { recordOk, registerExternal } from '../fixtures.js';
import { SseClient } from '../sse-client.js';
import type { SuiteContext } from './suite-context.js';

/** The endpoint table of the API issue, plus the dashboard page. */
const EXPECTED_OPERATIONS = [
  'post /api/files',
  'get /api/files',
  'get /api/counts',
  'get /api/files/{id}',
  'get /api/files/{id}/status',
  'get /api/files/{id}/steps',
  'get /api/files/{id}/summary',
  'get /api/files/{id}/logs',
  'get /api/files/{id}/download/{kind}',
  'post /api/files/{id}/steps',
  'post /api/files/{id}/uploads',
  'post /api/files/{id}/events',
  'post /api/files/{id}/retry',
  'patch /api/files/{id}',
  'delete /api/files/{id}',
  'get /api/events',
  'get /api/failures',
  'get /api/timings',
  'post /api/events',
  'post /api/files/{id}/steps/{step}/heartbeat',
  'get /api/stuck',
  'post /api/retries',
  'get /api/retries/{id}',
  'post /api/deletions',
  'get /api/deletions/{id}',
  'post /api/webhooks',
  'get /api/webhooks',
  'delete /api/webhooks/{id}',
  'patch /api/webhooks/{id}',
  'get /api/webhooks/{id}/deliveries/{deliveryId}/attempts',
  'get /api/webhooks/{id}/deliveries',
  'post /api/webhooks/{id}/test',
  'get /api/openapi.json',
  'get /metrics',
  'get /healthz',
  'get /readyz',
  'get /',
];

export function operationsTests(ctx: SuiteContext): void {
  describe('operations', () => {
    test('liveness and readiness answer', async () => {
      const api = ctx.api();
      expect(await expectJson(await api.fetch('/healthz'), 200)).toEqual({ status: 'ok' });
      expect(await expectJson(await api.fetch('/readyz'), 200)).toEqual({
        status: 'ready',
        database: api.store.capabilities.dialect,
      });
    });

    test('the OpenAPI document is valid OpenAPI 3.1 and describes every route', async () => {
      const api = ctx.api();
      const document = await expectJson<{
        openapi: string;
        paths: Record<string, Record<string, { security: unknown }>>;
      }>(await api.fetch('/api/openapi.json'), 200);
      expect(document.openapi).toMatch(/^3\.1\.\d+$/);
      const result = await validate(structuredClone(document) as never);
      expect(result.valid ? [] : result.errors).toEqual([]);
      expect(result.warnings).toEqual([]);
      expect(result.specification).toBe('OpenAPI');
      const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method} ${path}`),
      );
      expect(operations.sort()).toEqual([...EXPECTED_OPERATIONS].sort());
      expect(document.paths['/api/files/{id}/events']?.['post']?.security).toEqual([
        { bearerAuth: ['write'] },
      ]);
      expect(document.paths['/healthz']?.['get']?.security).toEqual([]);
    });

    test('metrics expose request latency, step transitions recorded here, and files by status', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      await recordOk(api, file.id, 'extract_metadata_with_gpt', 'skipped');
      const response = await api.fetch('/metrics');
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(text).toMatch(
        /steptrail_step_transitions_total\{step="extract_metadata_with_gpt",status="skipped"\} [1-9]/,
      );
      expect(text).toMatch(
        /steptrail_http_request_duration_seconds_count\{method="POST",route="\/api\/files\/:id\/events",status="201"\} [1-9]/,
      );
      const counts = await expectJson<{ counts: Record<string, number> }>(
        await api.fetch('/api/files?limit=1'),
        200,
      );
      for (const [status, count] of Object.entries(counts.counts))
        expect(text).toContain(`steptrail_files{status="${status}"} ${count}`);
    });

    test("every response carries a request id (the caller's when given) that the logs repeat", async () => {
      const api = ctx.api();
      const generated = await api.fetch('/healthz');
      expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const echoed = await api.fetch('/api/files/1/status', { headers: { 'x-request-id': 'trace-abc.123' } });
      expect(echoed.headers.get('x-request-id')).toBe('trace-abc.123');
      const line = api.logs.find((entry) => entry['requestId'] === 'trace-abc.123');
      expect(line).toMatchObject({
        msg: 'request finished',
        route: '/api/files/:id/status',
        status: echoed.status,
      });
      const unsafe = await api.fetch('/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
      expect(unsafe.headers.get('x-request-id')).not.toBe('bad id with spaces');
    });

    test('responses carry security headers and do not announce the framework', async () => {
      const response = await ctx.api().fetch('/api/files');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('x-powered-by')).toBeNull();
    });

    test('the dashboard page and its bundle are served, with nothing loaded from elsewhere', async () => {
      await buildDashboard();
      const api = ctx.api();
      const page = await api.fetch('/');
      expect(page.headers.get('content-type')).toContain('text/html');
      const html = await page.text();
      expect(html).toContain('<script type="module" src="/dashboard.js"></script>');
      expect(html).toContain('<link rel="stylesheet" href="/dashboard.css" />');
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
      const script = await api.fetch('/dashboard.js');
      expect(script.headers.get('content-type')).toContain('javascript');
      expect(await script.text()).toContain('/api/events');
      const styles = await api.fetch('/dashboard.css');
      expect(styles.status).toBe(200);
      expect(await styles.text()).not.toMatch(/@import|url\((['"])?https?:/);
    });

    test('shutdown ends live streams, refuses new connections and closes the store', async () => {
      const api = await startApi(ctx.databaseUrl());
      const client = await SseClient.connect(`${api.url}/api/events`);
      await client.waitFor((event) => event.event === 'ready');
      await api.close();
      await client.waitUntil(() => client.ended);
      await expect(api.fetch('/healthz')).rejects.toThrow();
      await expect(api.store.ping()).rejects.toThrow();
    });
  });
}
