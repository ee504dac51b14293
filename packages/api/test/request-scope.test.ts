import type { AddressInfo } from 'node:net';
import { currentRequestId } from '@steptrail/runtime';
import { createLogger } from '@steptrail/runtime/logger';
import express from 'express';
import { afterAll, describe, expect, test } from 'vitest';
import { requestContext } from '../src/http/request-context.js';

// What a request starts runs in its request scope, so the process safety net logs an error escaping from it with
// the request's id (docs/architecture.md#faults; the log line itself: packages/runtime/test/process-supervision).
describe('the request scope', () => {
  const seen: Array<string | undefined> = [];
  const app = express();
  app.use(requestContext(createLogger({ level: 'silent', service: 'test' })));
  app.get('/later', (_req, res) => {
    // A timer and a promise chain started by the handler: where escaped errors come from.
    setTimeout(() => {
      void Promise.resolve().then(() => {
        seen.push(currentRequestId());
        res.end();
      });
    }, 5);
  });
  const server = app.listen(0, '127.0.0.1');
  const url = (): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test("carries the request's id into the callbacks it starts, and no further", async () => {
    if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
    await fetch(`${url()}/later`, { headers: { 'x-request-id': 'caller-id-1' } });
    const answer = await fetch(`${url()}/later`);
    expect(seen).toEqual(['caller-id-1', answer.headers.get('x-request-id')]);
    expect(currentRequestId()).toBeUndefined();
  });
});
