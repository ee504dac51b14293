import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TS_REGISTER } from '@steptrail/test-servers/app-process';
import { titleWithSkipReason } from '@steptrail/test-servers/backend-urls';
import { describe, expect, test } from 'vitest';
import { API } from '../../../src/container.js';
import { startApi } from '../api-harness.js';
import { expectError, expectJson, post } from '../http.js';
import { recordOk, registerExternal } from '../fixtures.js';
import { headRequest, rawRequest } from '../raw-http.js';
import { SseClient } from '../sse-client.js';
import type { SuiteContext } from './suite-context.js';

const run = promisify(execFile);
const support = (file: string) => fileURLToPath(new URL(`../${file}`, import.meta.url));

/** Records an event from a separate Node process, the way a worker or another API instance would. */
async function writeFromAnotherProcess(
  databaseUrl: string,
  fileId: number,
  stepName: string,
  status: string,
): Promise<number> {
  const { stdout } = await run(
    process.execPath,
    [
      '--conditions=@steptrail/source',
      '--import',
      TS_REGISTER,
      support('write-event.child.ts'),
      databaseUrl,
      String(fileId),
      stepName,
      status,
    ],
    { timeout: 60_000 },
  );
  return (JSON.parse(stdout.trim()) as { logId: number }).logId;
}

export function liveEventTests(ctx: SuiteContext): void {
  describe('live events (SSE)', () => {
    const notShared = ctx.backend.shared
      ? null
      : 'the in-memory store lives inside one process; no other process can write to it';
    test.skipIf(notShared !== null)(
      titleWithSkipReason(
        'an event written by another process reaches a connected client, followed by the file status',
        notShared,
      ),
      async () => {
        const api = ctx.api();
        const { file } = await registerExternal(api);
        const client = await SseClient.connect(`${api.url}/api/events`);
        try {
          await client.waitFor((event) => event.event === 'ready');
          const logId = await writeFromAnotherProcess(
            ctx.databaseUrl() ?? '',
            file.id,
            'hash_file',
            'in_progress',
          );
          const step = await client.waitFor((event) => event.event === 'step' && event.data['id'] === logId);
          expect(step).toMatchObject({
            id: String(logId),
            data: {
              fileId: file.id,
              stepName: 'hash_file',
              status: 'in_progress',
              message: 'written by another process',
            },
          });
          const status = await client.waitFor(
            (event) =>
              event.event === 'file' && event.data['fileId'] === file.id && event.id === String(logId),
          );
          expect(status.data).toMatchObject({
            deleted: false,
            status: 'processing',
            inProgressSteps: 1,
            lastStep: 'hash_file',
          });
        } finally {
          client.close();
        }
      },
    );

    test('a client resuming with Last-Event-ID gets what it missed, in log order', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      const first = await recordOk(api, file.id, 'hash_file', 'in_progress');
      const second = await recordOk(api, file.id, 'hash_file', 'success');
      const third = await recordOk(api, file.id, 'create_file_record', 'failure', {
        errorMessage: 'db down',
      });
      const client = await SseClient.connect(`${api.url}/api/events`, {
        'last-event-id': String(first.logId),
      });
      try {
        await client.waitFor((event) => event.event === 'file' && event.id === String(third.logId));
        const mine = client.events.filter((event) => event.data['fileId'] === file.id);
        expect(mine.map((event) => `${event.event}:${event.id}`)).toEqual([
          `step:${second.logId}`,
          `step:${third.logId}`,
          `file:${third.logId}`,
        ]);
        expect(mine[2]?.data).toMatchObject({ status: 'failed', hasErrors: true });
      } finally {
        client.close();
      }
    });

    test('registration and deletion reach clients as notes and file events', async () => {
      const api = ctx.api();
      const client = await SseClient.connect(`${api.url}/api/events`);
      try {
        await client.waitFor((event) => event.event === 'ready');
        const { file } = await registerExternal(api);
        await client.waitFor((event) => event.event === 'note' && event.data['fileId'] === file.id);
        await client.waitFor(
          (event) =>
            event.event === 'file' && event.data['fileId'] === file.id && event.data['status'] === 'pending',
        );
        expect((await api.fetch(`/api/files/${file.id}`, { method: 'DELETE' })).status).toBe(204);
        await client.waitFor(
          (event) =>
            event.event === 'file' && event.data['fileId'] === file.id && event.data['deleted'] === true,
        );
      } finally {
        client.close();
      }
    });

    test('idle streams get heartbeats, and a client that goes away is cleaned up', async () => {
      const api = await startApi(ctx.databaseUrl(), { EVENTS_HEARTBEAT_MS: '100' });
      try {
        const live = api.container.resolve(API.LiveEvents);
        const client = await SseClient.connect(`${api.url}/api/events`);
        expect(client.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
        expect(client.response.headers.get('cache-control')).toBe('no-cache, no-transform');
        await client.waitUntil(() => client.comments.includes('heartbeat'));
        expect(live.openStreams).toBe(1);
        client.close();
        await client.waitUntil(() => live.openStreams === 0);
      } finally {
        await api.close();
      }
    });

    test('a Last-Event-ID that is not an event id is 400', async () => {
      const api = ctx.api();
      const response = await api.fetch('/api/events', { headers: { 'last-event-id': 'yesterday' } });
      const body = await expectError(response, 400, 'VALIDATION_FAILED');
      expect(body.error.details?.problems?.[0]?.path).toBe('headers.last-event-id');
    });

    test('HEAD on every GET route answers the headers of its GET and ends, the live stream included', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      const webhook = await expectJson<{ id: number }>(
        await api.fetch('/api/webhooks', post({ url: 'http://127.0.0.1:9/hook', events: ['file.failed'] })),
        201,
      );
      const document = await expectJson<{ paths: Record<string, Record<string, unknown>> }>(
        await api.fetch('/api/openapi.json'),
        200,
      );
      const getPaths = Object.entries(document.paths)
        .filter(([, operations]) => 'get' in operations)
        .map(([path]) =>
          path
            .replace('/api/webhooks/{id}', `/api/webhooks/${webhook.id}`)
            .replace('{id}', String(file.id))
            .replace('{step}', 'hash_file'),
        );
      expect(getPaths).toContain('/api/events');
      for (const path of getPaths) {
        // GET /api/events never ends: its status is the stream's 200.
        const status = path === '/api/events' ? 200 : (await rawRequest(api.url, { path })).status;
        const head = await headRequest(api.url, path);
        expect({ path, ...head }).toEqual({ path, status, bodyBytes: 0, ended: true });
      }
      await api.fetch(`/api/webhooks/${webhook.id}`, { method: 'DELETE' });
    });

    test('a Last-Event-ID beyond the newest event starts from now, and the ready message says so', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      const client = await SseClient.connect(`${api.url}/api/events`, { 'last-event-id': '2147483000' });
      try {
        const ready = await client.waitFor((event) => event.event === 'ready');
        expect(ready.data).toMatchObject({ reset: true });
        expect(String(ready.data['message'])).toContain(
          'Last-Event-ID 2147483000 is beyond the newest event',
        );
        const { logId } = await recordOk(api, file.id, 'hash_file', 'in_progress');
        await client.waitFor((event) => event.event === 'step' && event.id === String(logId));
      } finally {
        client.close();
      }
    });
  });
}
