import { createHash, createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { AppProcess } from '@steptrail/test-servers/app-process';
import { backendUrls, titleWithSkipReason } from '@steptrail/test-servers/backend-urls';
import { afterAll, describe, expect, it } from 'vitest';
import { removeScratchDirs, scratchDir, serverBackend } from './support/api-harness.js';
import { SUITE_ENV } from './support/suite/suite-context.js';

// docs/architecture.md#webhooks, #webhook-leases: four API processes (real OS processes, each with its own
// dispatcher and connection pool) on one database send each event once, signed, to a receiver on loopback.

/** The API app's built entry: a start from dist takes ~2 s, from the sources ~8 s, and CI builds before it tests. */
const MAIN = fileURLToPath(new URL('../../../apps/api/dist/main.js', import.meta.url));
const PROCESSES = 4;
const FILES = 40;

interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
}

/** Records every request and answers 200. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const header = (name: string) => String(req.headers[name] ?? '');
      received.push({
        id: header('webhook-id'),
        timestamp: header('webhook-timestamp'),
        signature: header('webhook-signature'),
        body,
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/hooks`, received };
}

/** Standard Webhooks: v1 = base64 HMAC-SHA256 over `<id>.<timestamp>.<body>`, keyed by the secret's bytes. */
function signatureIsValid(secret: string, request: Received): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key)
    .update(`${request.id}.${request.timestamp}.${request.body}`)
    .digest('base64');
  return request.signature.split(' ').includes(`v1,${expected}`);
}

async function startApiProcess(databaseUrl: string): Promise<{ app: AppProcess; url: string }> {
  const app = new AppProcess(
    MAIN,
    {
      ...SUITE_ENV,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      STORAGE_DIR: scratchDir(),
      PROCESSED_DIR: scratchDir(),
      // `webhook delivered` is a debug line: each process's count of what it sent.
      LOG_LEVEL: 'debug',
      WEBHOOK_POLL_MS: '50',
    },
    scratchDir(),
    { built: true },
  );
  const [, url] = await app.waitForOutput(/"url":"(http:\/\/[^"]+)"[^\n]*"msg":"API listening"/);
  return { app, url: url ?? '' };
}

async function call(base: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

/** A file of workflow `short` registered through one process and completed through it: one file.completed. */
async function completeFile(base: string, index: number): Promise<number> {
  const name = `four-processes-${process.pid}-${index}`;
  const { file } = (await call(base, '/api/files', {
    originalFilename: `${name}.pdf`,
    filehash: createHash('sha256').update(name).digest('hex'),
    fileSize: 1234,
    mimeType: 'application/pdf',
    workflow: 'short',
  })) as { file: { id: number } };
  for (const stepName of ['hash_file', 'extract_text'])
    await call(base, `/api/files/${file.id}/events`, { stepName, status: 'success' });
  return file.id;
}

const urls = backendUrls();
const backends = [
  { name: 'postgres' as const, url: urls.postgres, skip: urls.skipReason.postgres },
  { name: 'mariadb' as const, url: urls.mysql, skip: urls.skipReason.mysql },
];
const notBuilt = existsSync(MAIN)
  ? null
  : 'apps/api is not built (run `pnpm build` first): the test starts its dist/main.js';

afterAll(removeScratchDirs);

describe.each(backends)('webhooks from four API processes on $name', (backend) => {
  const skip = notBuilt ?? backend.skip;
  describe.skipIf(skip !== null)(titleWithSkipReason('one database, one receiver', skip), () => {
    it(`${FILES} events arrive once each, by webhook-id and by payload, validly signed`, async () => {
      const receiver = await startReceiver();
      const databaseUrl =
        (await serverBackend(backend.name, backend.url).prepare('steptrail_webhooks_four')) ??
        expect.unreachable('a server backend always has a database URL');
      const apis = await Promise.all(Array.from({ length: PROCESSES }, () => startApiProcess(databaseUrl)));
      try {
        const hook = (await call(apis[0]!.url, '/api/webhooks', {
          url: receiver.url,
          events: ['file.completed'],
        })) as { id: number; secret: string };
        const files = await Promise.all(
          Array.from({ length: FILES }, (_, index) => completeFile(apis[index % PROCESSES]!.url, index)),
        );
        const deadline = Date.now() + 60_000;
        while (receiver.received.length < FILES && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 50));
        // A duplicate would come from a second claim of the same delivery: give one more poll round a chance.
        await new Promise((resolve) => setTimeout(resolve, 500));

        const got = receiver.received;
        const payloads = got.map(
          (request) => JSON.parse(request.body) as { type: string; data: { fileId: number } },
        );
        expect(payloads.every((payload) => payload.type === 'file.completed')).toBe(true);
        expect(payloads.map((payload) => payload.data.fileId).sort((a, b) => a - b)).toEqual(
          [...files].sort((a, b) => a - b),
        );
        expect(new Set(got.map((request) => request.id)).size).toBe(FILES);
        expect(new Set(got.map((request) => request.body)).size).toBe(FILES);
        expect(got).toHaveLength(FILES);
        expect(got.every((request) => /^msg_[0-9a-f]{32}$/.test(request.id))).toBe(true);
        expect(got.filter((request) => !signatureIsValid(hook.secret, request))).toEqual([]);
        // Each was sent by exactly one process: their own logs add up to the count, whoever claimed what.
        const sent = apis.map(
          ({ app }) =>
            app.stdout.split('\n').filter((line) => line.includes('"msg":"webhook delivered"')).length,
        );
        expect(sent.reduce((sum, count) => sum + count, 0)).toBe(FILES);
        console.info(`${backend.name}: deliveries sent per process: ${sent.join(' + ')}`);
      } finally {
        await Promise.all(apis.map(({ app }) => app.stop()));
        await new Promise((resolve) => receiver.server.close(resolve));
      }
      // Four processes starting beside other suites on two cores: ~11 s alone, several times that under load.
    }, 180_000);
  });
});
