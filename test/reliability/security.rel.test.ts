import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AppRun, assertBuilt, migrate, statusOf } from './support/app-run.js';
import { recordSummary } from './support/summary.js';

// Security (issue 17): with tokens set, every operation of the OpenAPI document refuses a request without a token,
// every write refuses a read-only token, /metrics and the live-event stream need the read scope, every response
// (API, dashboard, errors, 404s) carries the security headers, a non-loopback start-up without tokens is refused,
// and uploaded names never leave the storage directory. Runs the built API on SQLite: auth sits in front of every
// database access, so the database does not change what this checks.

const READ = 'reader:read:read-secret-0123456789';
const WRITE = 'pipeline:read,write:write-secret-0123456789';
const TOKENS = [READ, WRITE].join(';');
const bearer = (entry: string) => ({ authorization: `Bearer ${entry.split(':').slice(2).join(':')}` });

interface Operation {
  method: string;
  path: string;
  scope: string | null;
}

const dirs: string[] = [];
let cwd: string;
let api: AppRun;
let base: string;
let operations: Operation[];

beforeAll(async () => {
  assertBuilt();
  cwd = mkdtempSync(join(tmpdir(), 'steptrail-security-'));
  dirs.push(cwd);
  const databaseUrl = `sqlite:${join(cwd, 'steptrail.db')}`;
  await migrate(databaseUrl);
  api = new AppRun(
    'api',
    { PORT: '0', DATABASE_URL: databaseUrl, STORAGE_DIR: join(cwd, 'storage'), API_TOKENS: TOKENS },
    cwd,
  );
  base = await api.url('API listening');
  const document = (await (await fetch(`${base}/api/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { security?: { bearerAuth?: string[] }[] }>>;
  };
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, spec]) => ({
      method: method.toUpperCase(),
      path: path.replace(/\{[^}]+\}/g, '1'),
      scope: spec.security?.[0]?.bearerAuth?.[0] ?? null,
    })),
  );
});

afterAll(async () => {
  await api?.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const request = (op: Operation, headers: Record<string, string> = {}) =>
  fetch(`${base}${op.path}`, {
    method: op.method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(op.method === 'GET' || op.method === 'HEAD' ? {} : { body: '{}' }),
    signal: AbortSignal.timeout(30_000),
  });

/** The headers every response carries, whatever its route or status. */
function expectSecurityHeaders(response: Response, what: string): void {
  const header = (name: string) => response.headers.get(name);
  expect(header('x-content-type-options'), what).toBe('nosniff');
  expect(header('referrer-policy'), what).toBe('no-referrer');
  expect(header('x-frame-options'), what).toMatch(/^(DENY|SAMEORIGIN)$/);
  expect(header('content-security-policy'), what).toMatch(/frame-ancestors '(none|self)'/);
  expect(header('content-security-policy'), what).toMatch(/default-src 'self'/);
  expect(header('content-security-policy'), what).toMatch(/object-src 'none'/);
  expect(header('x-powered-by'), what).toBeNull();
}

describe('security of the API with tokens set', () => {
  let requests = 0;

  test('every operation but the public ones refuses a request without a token (401)', async () => {
    const guarded = operations.filter((op) => op.scope !== null);
    expect(guarded.length).toBeGreaterThan(20);
    for (const op of guarded) {
      const response = await request(op);
      requests += 1;
      await response.arrayBuffer();
      expect(response.status, `${op.method} ${op.path}`).toBe(401);
      expect(response.headers.get('www-authenticate'), `${op.method} ${op.path}`).toMatch(/^Bearer/);
      expectSecurityHeaders(response, `${op.method} ${op.path}`);
    }
    const publicOnes = operations.filter((op) => op.scope === null).map((op) => op.path);
    expect(publicOnes.sort()).toEqual(['/', '/api/openapi.json', '/healthz', '/readyz'].sort());
  });

  test('every write (bulk, webhooks, uploads, heartbeats included) refuses a read-only token (403)', async () => {
    const writes = operations.filter((op) => op.method !== 'GET' && op.method !== 'HEAD');
    // POST /api/files takes uploads (multipart) as well as registrations (JSON).
    for (const expected of ['/api/retries', '/api/deletions', '/api/webhooks', '/api/files'])
      expect(writes.map((op) => op.path)).toContain(expected);
    expect(writes.some((op) => op.path.includes('heartbeat'))).toBe(true);
    for (const op of writes) {
      const response = await request(op, bearer(READ));
      requests += 1;
      await response.arrayBuffer();
      expect(response.status, `${op.method} ${op.path}`).toBe(403);
      expectSecurityHeaders(response, `${op.method} ${op.path}`);
    }
  });

  test('/metrics and the live-event stream need the read scope', async () => {
    expect(await statusOf(`${base}/metrics`)).toBe(401);
    expect(await statusOf(`${base}/api/events`)).toBe(401);
    expect(await statusOf(`${base}/metrics`, { headers: bearer(READ) })).toBe(200);
    const stream = new AbortController();
    const live = await fetch(`${base}/api/events`, { headers: bearer(READ), signal: stream.signal });
    expect(live.status).toBe(200);
    expect(live.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expectSecurityHeaders(live, 'GET /api/events');
    stream.abort();
    requests += 5;
  });

  test('the dashboard, 404s and errors carry the security headers too', async () => {
    const dashboard = await fetch(`${base}/`);
    expect(dashboard.status).toBe(200);
    const html = await dashboard.text();
    expectSecurityHeaders(dashboard, 'GET /');
    // The CSP fits the bundled dashboard: its script and style come from this origin, nothing inline.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(dashboard.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    for (const [path, status] of [
      ['/no-such-page', 404],
      ['/api/no-such-route', 404],
      ['/api/files/%ZZ', 400],
      ['/healthz', 200],
      ['/api/openapi.json', 200],
    ] as const) {
      const response = await fetch(`${base}${path}`);
      await response.arrayBuffer();
      expect(response.status, path).toBe(status);
      expectSecurityHeaders(response, path);
    }
    const invalid = await fetch(`${base}/api/files`, {
      method: 'POST',
      headers: { ...bearer(WRITE), 'content-type': 'application/json' },
      body: '{"broken',
    });
    await invalid.arrayBuffer();
    expect(invalid.status).toBe(400);
    expectSecurityHeaders(invalid, 'POST /api/files with broken JSON');
    requests += 8;
  });

  test('uploaded names that try to leave the storage directory are stored inside it, by content hash', async () => {
    const names = [
      '../../escape.pdf',
      '/etc/passwd.pdf',
      '..\\..\\win.pdf',
      'a/../../b.pdf',
      '%2e%2e%2fx.pdf',
    ];
    for (const [index, name] of names.entries()) {
      const form = new FormData();
      form.append('file', new Blob([`%PDF-1.4 upload ${index}`], { type: 'application/pdf' }), name);
      const response = await fetch(`${base}/api/files`, {
        method: 'POST',
        headers: bearer(WRITE),
        body: form,
      });
      await response.arrayBuffer();
      expect([201, 202], name).toContain(response.status);
      requests += 1;
    }
    // Only content-addressed files under STORAGE_DIR, nothing written next to it or above it.
    const storage = resolve(cwd, 'storage');
    const stored = readdirSync(storage, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
    expect(stored.filter((path) => !/\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(path))).toEqual([]);
    expect(stored.length).toBe(names.length);
    expect(readdirSync(cwd).sort()).toEqual([
      'steptrail.db',
      'steptrail.db-shm',
      'steptrail.db-wal',
      'storage',
    ]);
    recordSummary({ suite: 'security', database: 'sqlite', figures: { requests, status5xx: 0, exits: 0 } });
  });
});

describe('start-up without tokens', () => {
  test('on a non-loopback address is refused with what to set, exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steptrail-security-'));
    dirs.push(dir);
    const run = new AppRun(
      'api',
      { PORT: '0', HOST: '0.0.0.0', DATABASE_URL: `sqlite:${join(dir, 'x.db')}` },
      dir,
    );
    try {
      expect(await run.exited, run.stderr).toBe(2);
      expect(run.stderr).toMatch(
        /API_TOKENS: is required when HOST \(0\.0\.0\.0\) is not a loopback address/,
      );
    } finally {
      await run.stop();
    }
  });

  test('with ALLOW_UNAUTHENTICATED=true it starts, and says in its log that anyone may write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steptrail-security-'));
    dirs.push(dir);
    const databaseUrl = `sqlite:${join(dir, 'x.db')}`;
    await migrate(databaseUrl);
    const env = { PORT: '0', HOST: '0.0.0.0', ALLOW_UNAUTHENTICATED: 'true', DATABASE_URL: databaseUrl };
    const run = new AppRun('api', { ...env, STORAGE_DIR: join(dir, 'storage') }, dir);
    try {
      const url = await run.url('API listening');
      expect(await statusOf(`${url.replace('0.0.0.0', '127.0.0.1')}/readyz`)).toBe(200);
      expect(run.stdout).toMatch(
        /"msg":"no API_TOKENS on a non-loopback HOST \(ALLOW_UNAUTHENTICATED=true\)/,
      );
    } finally {
      await run.stop();
    }
  });
});

// The worker's own /metrics, /healthz and /readyz when it runs alone: the API's rules (docs/architecture.md#access).
describe("the worker's own port", () => {
  const workerEnv = async (dir: string): Promise<Record<string, string>> => {
    const databaseUrl = `sqlite:${join(dir, 'worker.db')}`;
    await migrate(databaseUrl);
    return {
      DATABASE_URL: databaseUrl,
      STORAGE_DIR: join(dir, 'storage'),
      PROCESSED_DIR: join(dir, 'processed'),
      WORKER_METRICS_PORT: '0',
    };
  };

  test('with tokens set, /metrics needs the read scope, /healthz and /readyz stay open, all with the security headers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steptrail-security-'));
    dirs.push(dir);
    const run = new AppRun('worker', { ...(await workerEnv(dir)), API_TOKENS: TOKENS }, dir);
    try {
      const url = await run.url('worker metrics listening');
      const cases: Array<[string, Record<string, string>, number]> = [
        ['/metrics', {}, 401],
        ['/metrics', { authorization: 'Bearer not-a-configured-secret-0123' }, 401],
        ['/metrics', { authorization: 'Basic cmVhZGVyOnNlY3JldA==' }, 401],
        ['/metrics', bearer(READ), 200],
        ['/metrics', bearer(WRITE), 200],
        ['/healthz', {}, 200],
        ['/readyz', {}, 200],
        ['/no-such-page', {}, 404],
      ];
      for (const [path, headers, status] of cases) {
        const response = await fetch(`${url}${path}`, { headers });
        const text = await response.text();
        const what = `${path} ${JSON.stringify(headers)}`;
        expect(response.status, what).toBe(status);
        expectSecurityHeaders(response, what);
        if (status === 401) {
          expect(response.headers.get('www-authenticate'), what).toMatch(/^Bearer realm="steptrail"/);
          expect(JSON.parse(text), what).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
        }
        if (status === 200 && path === '/metrics') expect(text).toContain('steptrail_worker_');
      }
    } finally {
      await run.stop();
    }
  });

  test('a non-loopback WORKER_METRICS_HOST without tokens is refused with what to set, exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steptrail-security-'));
    dirs.push(dir);
    const run = new AppRun('worker', { ...(await workerEnv(dir)), WORKER_METRICS_HOST: '0.0.0.0' }, dir);
    try {
      expect(await run.exited, run.stderr).toBe(2);
      expect(run.stderr).toMatch(
        /API_TOKENS: is required when WORKER_METRICS_HOST \(0\.0\.0\.0\) is not a loopback address: .* ALLOW_UNAUTHENTICATED=true starts without tokens\./,
      );
    } finally {
      await run.stop();
    }
  });

  test('with ALLOW_UNAUTHENTICATED=true a non-loopback WORKER_METRICS_HOST starts, /metrics open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steptrail-security-'));
    dirs.push(dir);
    const env = { WORKER_METRICS_HOST: '0.0.0.0', ALLOW_UNAUTHENTICATED: 'true' };
    const run = new AppRun('worker', { ...(await workerEnv(dir)), ...env }, dir);
    try {
      const url = (await run.url('worker metrics listening')).replace('0.0.0.0', '127.0.0.1');
      expect(await statusOf(`${url}/metrics`)).toBe(200);
    } finally {
      await run.stop();
    }
  });
});
