import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { titleWithSkipReason } from '@steptrail/test-servers/backend-urls';
import { describe, expect, onTestFinished, test } from 'vitest';
import { ABORT_KINDS, abortedUpload } from './support/aborted-uploads.js';
import {
  DATABASES,
  memoryMb,
  openFds,
  scratchDatabase,
  skipReasonOf,
  startApiProcess,
  type ApiUnderTest,
} from './support/api-under-test.js';
import { bySize } from './support/scale.js';
import { recordSummary } from './support/summary.js';

const ABORTS = bySize({ small: 100, full: 1_000 });
const CONCURRENCY = 10;
const MAX_UPLOAD_BYTES = 65_536;
/** What the process's resident memory may grow by over the whole run; an upload's buffers are a few 64 kB. */
const MEMORY_GROWTH_BOUND_MB = 128;

/** One whole upload over its own connection (nothing kept alive), resolving with the status. */
function upload(baseUrl: string, content: string): Promise<number> {
  const body =
    '--b\r\nContent-Disposition: form-data; name="file"; filename="whole.pdf"\r\n' +
    `Content-Type: application/pdf\r\n\r\n${content}\r\n--b--\r\n`;
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}/api/files`,
      {
        method: 'POST',
        agent: false,
        headers: { connection: 'close', 'content-type': 'multipart/form-data; boundary=b' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function eventually(condition: () => boolean, timeoutMs = 20_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

/** The fewest open descriptors seen over a quiet second: idle pool connections may come and go. */
async function settledFds(api: ApiUnderTest): Promise<number> {
  let fewest = openFds(api.pid);
  for (let sample = 0; sample < 10; sample += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    fewest = Math.min(fewest, openFds(api.pid));
  }
  return fewest;
}

/** Files left in STORAGE_DIR/.incoming, where uploads stream before they are stored. */
const temporaryFiles = (api: ApiUnderTest): string[] => readdirSync(join(api.storageDir, '.incoming'));

for (const database of DATABASES) {
  const skipReason = skipReasonOf(database);
  describe.skipIf(skipReason !== null)(titleWithSkipReason(`resources on ${database}`, skipReason), () => {
    test(`${ABORTS} aborted uploads leave no open file, no temporary file and bounded memory`, async () => {
      const scratch = await scratchDatabase(database, `rel_resources_${Date.now().toString(36)}`);
      onTestFinished(() => scratch.remove());
      const api = await startApiProcess(scratch, { MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) });
      try {
        // Warm up at the run's concurrency, so database pools and lazy modules are open before the baseline.
        const warmUp = await Promise.all(
          Array.from({ length: CONCURRENCY }, (_, index) => upload(api.url, `warm-up ${index} ${database}`)),
        );
        expect(warmUp).toEqual(Array.from({ length: CONCURRENCY }, () => 201));
        const fdsBefore = await settledFds(api);
        const rssBefore = memoryMb(api.pid).rss;

        const statuses: Array<number | null> = [];
        for (let sent = 0; sent < ABORTS; sent += CONCURRENCY) {
          const wave = Array.from({ length: Math.min(CONCURRENCY, ABORTS - sent) }, (_, index) =>
            abortedUpload(api.url, ABORT_KINDS[(sent + index) % ABORT_KINDS.length]!, MAX_UPLOAD_BYTES),
          );
          statuses.push(...(await Promise.all(wave)));
        }
        const status5xx = statuses.filter((status) => status !== null && status >= 500).length;
        const answered = statuses.filter((status) => status !== null);

        expect(await eventually(() => temporaryFiles(api).length === 0)).toBe(true);
        expect(await eventually(() => openFds(api.pid) <= fdsBefore)).toBe(true);
        const fdsAfter = await settledFds(api);
        const rssAfter = memoryMb(api.pid).rss;
        expect(status5xx).toBe(0);
        // Whatever was answered at all is a client error: 400 (broken off, never closed) or 413 (over the limit).
        expect(answered.every((status) => status === 400 || status === 413)).toBe(true);
        expect(rssAfter - rssBefore).toBeLessThan(MEMORY_GROWTH_BOUND_MB);
        // The process lives and still stores uploads.
        expect(await upload(api.url, `after ${ABORTS} aborts on ${database}`)).toBe(201);
        expect(api.app.stderr).not.toContain('Unhandled');

        recordSummary({
          suite: 'resources',
          database,
          figures: { requests: ABORTS + CONCURRENCY + 1, status5xx, exits: 0 },
          extra: {
            'aborted uploads': ABORTS,
            'answered 4xx': answered.length,
            'fds before/after': `${fdsBefore}/${fdsAfter}`,
            'temp files left': temporaryFiles(api).length,
            'RSS MB before/after': `${rssBefore}/${rssAfter}`,
          },
        });
      } finally {
        await api.stop();
      }
    });
  });
}

/** Files the process `pid` has open under `dir`, from /proc. */
function openFilesUnder(pid: number, dir: string): string[] {
  return readdirSync(`/proc/${pid}/fd`)
    .map((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return ''; // closed meanwhile
      }
    })
    .filter((target) => target.startsWith(dir));
}

/**
 * An upload held mid-stream until REQUEST_TIMEOUT_MS cuts it (docs/architecture.md#slow-clients): the 408 comes only
 * once its temporary file is closed and removed. Node used to answer the moment it noticed the timeout, before the
 * cleanup had run, so whoever acted on the answer found the file and its descriptor still there.
 */
describe('an upload cut by the request timeout', () => {
  test('is answered 408 only after its temporary file is closed and removed', async () => {
    const database = await scratchDatabase('sqlite', 'steptrail_rel_cut_upload');
    const api = await startApiProcess(database, { REQUEST_TIMEOUT_MS: '1000', HEADERS_TIMEOUT_MS: '1000' });
    const incoming = join(database.dir, 'storage', '.incoming');
    const temporaryFiles = (): string[] => (existsSync(incoming) ? readdirSync(incoming) : []);
    try {
      const { hostname, port } = new URL(api.url);
      const part =
        '--b\r\nContent-Disposition: form-data; name="file"; filename="held.pdf"\r\n' +
        `Content-Type: application/pdf\r\n\r\n%PDF-1.4 ${'x'.repeat(4000)}`;
      const head =
        `POST /api/files HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n` +
        `Content-Type: multipart/form-data; boundary=b\r\nContent-Length: ${part.length + 100_000}\r\n\r\n`;
      for (let round = 0; round < 3; round += 1) {
        const socket = connect({ host: hostname, port: Number(port) });
        let answer = '';
        let atAnswer: { files: string[]; open: string[] } | null = null;
        socket.on('data', (chunk: Buffer) => {
          // What the server holds the moment its answer arrives.
          atAnswer ??= { files: temporaryFiles(), open: openFilesUnder(api.pid, incoming) };
          answer += chunk.toString('utf8');
        });
        const closed = new Promise((resolve) => socket.once('close', resolve));
        socket.on('error', () => undefined);
        socket.write(head + part);
        // Held mid-stream: the upload's temporary file exists and is open while the rest never comes.
        let held = false;
        while (!held && answer === '') {
          held = temporaryFiles().length === 1 && openFilesUnder(api.pid, incoming).length === 1;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        expect(held, `round ${round}: the upload's temporary file was never seen open`).toBe(true);
        await closed;
        expect(answer).toMatch(/^HTTP\/1\.1 408 /);
        expect(atAnswer, `round ${round}`).toEqual({ files: [], open: [] });
        expect(answer).toContain('"code":"REQUEST_TIMEOUT"');
      }
      expect(api.hasExited()).toBe(false);
    } finally {
      await api.stop();
      database.remove();
    }
  });
});
