import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SteptrailApiError, SteptrailClient, type LiveEvent } from '../src/index.js';
import { startStandaloneApi, type StandaloneApi } from '@steptrail/test-servers/standalone-api';
import { TcpProxy } from './support/tcp-proxy.js';

// The client against `pnpm start` as a process on SQLite, reached directly or through a proxy that drops
// connections (docs/architecture.md#the-client).

let api: StandaloneApi;
let direct: SteptrailClient;
let counter = 0;

beforeAll(async () => {
  api = await startStandaloneApi();
  direct = new SteptrailClient({ url: api.url, token: api.token });
});
afterAll(async () => {
  await direct?.close();
  await api?.stop();
});

async function newFile(): Promise<number> {
  counter += 1;
  const name = `report-${counter}-${Date.now()}.pdf`;
  const created = await direct.registerFile({
    originalFilename: name,
    filehash: createHash('sha256').update(name).digest('hex'),
    fileSize: 1234,
  });
  return created.file.id;
}

const stepRows = async (fileId: number, stepName: string) =>
  (await direct.getLogs(fileId, { limit: '500' })).items.filter((row) => row.stepName === stepName);

async function until<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('@steptrail/client against a live API', () => {
  test('a heartbeat keeps a started step alive without a history row; one for a step not running is 409', async () => {
    const fileId = await newFile();
    const step = direct.step(fileId, 'hash_file', { taskId: 'task-7' });
    await expect(step.heartbeat()).rejects.toMatchObject({ status: 409, code: 'CONFLICT' });
    await step.start('hashing');
    const beat = await step.heartbeat();
    expect(beat).toMatchObject({ fileId, stepName: 'hash_file' });
    expect(Number.isNaN(Date.parse(beat.heartbeatAt))).toBe(false);
    expect((await stepRows(fileId, 'hash_file')).map((row) => row.status)).toEqual(['in_progress']);
    const stuck = await direct.listStuck({ limit: '500' });
    expect(stuck.items.filter((item) => item.fileId === fileId && item.reason === 'stalled')).toEqual([]);
  });

  test('a step reported through a connection dropped after the request is retried and written once', async () => {
    const fileId = await newFile();
    const proxy = new TcpProxy(new URL(api.url), { dropFirstAnswer: true });
    const client = new SteptrailClient({
      url: await proxy.start(),
      token: api.token,
      retry: { baseDelayMs: 20, maxDelayMs: 100 },
    });
    try {
      const answer = await client.step(fileId, 'hash_file').start('hashing');
      expect(answer.step.status).toBe('in_progress');
      expect(proxy.connections).toBe(2);
      // Both attempts carried the same event id: the API wrote the first and answered the second from its receipt.
      expect(proxy.requests.map((head) => head.split('\r\n')[0])).toEqual([
        `POST /api/files/${fileId}/events HTTP/1.1`,
        `POST /api/files/${fileId}/events HTTP/1.1`,
      ]);
      expect(await stepRows(fileId, 'hash_file')).toHaveLength(1);
      expect((await direct.getSteps(fileId)).steps['hash_file']?.attempts).toBe(1);
    } finally {
      await client.close();
      await proxy.stop();
    }
  });

  test('step helpers read like the pipeline: start, then succeed or fail, with the counting note', async () => {
    const fileId = await newFile();
    const hash = direct.step(fileId, 'hash_file');
    await hash.start();
    const done = await hash.succeed('hashed');
    expect(done.step.status).toBe('success');
    expect(done.counting.counts).toBe(true);
    const failed = await direct.step(fileId, 'my_custom_step').fail(new Error('OCR engine crashed'));
    expect(failed.step.errorMessage).toBe('OCR engine crashed');
    expect(failed.counting).toMatchObject({ counts: false });
  });

  test('queued events wait for the flush interval and are all sent by close()', async () => {
    const fileId = await newFile();
    const client = new SteptrailClient({
      url: api.url,
      token: api.token,
      batch: { flushIntervalMs: 60_000, maxSize: 1000 },
    });
    const outcomes = [
      client.queueEvent(fileId, { stepName: 'hash_file', status: 'in_progress' }),
      client.queueEvent(fileId, { stepName: 'hash_file', status: 'success' }),
      client.queueEvent(fileId, { stepName: 'extract_text', status: 'in_progress' }),
    ];
    expect(client.pendingEvents).toBe(3);
    expect(await stepRows(fileId, 'hash_file')).toHaveLength(0);
    const summary = await client.close();
    expect(summary).toEqual({ applied: 3, duplicates: 0, refused: 0, failed: 0 });
    expect((await Promise.all(outcomes)).map((outcome) => outcome.result)).toEqual([
      'applied',
      'applied',
      'applied',
    ]);
    expect((await direct.getSteps(fileId)).steps['hash_file']?.status).toBe('success');
    expect(() => client.queueEvent(fileId, { stepName: 'hash_file', status: 'success' })).toThrow(/closed/);
  });

  test('a full batch is sent without waiting for the interval', async () => {
    const fileId = await newFile();
    const client = new SteptrailClient({
      url: api.url,
      token: api.token,
      batch: { flushIntervalMs: 60_000, maxSize: 2 },
    });
    try {
      const outcomes = await Promise.all([
        client.queueEvent(fileId, { stepName: 'hash_file', status: 'in_progress' }),
        client.queueEvent(fileId, { stepName: 'hash_file', status: 'success' }),
      ]);
      expect(outcomes.map((outcome) => outcome.result)).toEqual(['applied', 'applied']);
      // close() counts every event of the client's life, those sent by earlier batches too.
      expect(await client.close()).toEqual({ applied: 2, duplicates: 0, refused: 0, failed: 0 });
    } finally {
      await client.close();
    }
  });

  test('the live stream resumes with Last-Event-ID after the server side cuts the connection', async () => {
    const fileId = await newFile();
    const proxy = new TcpProxy(new URL(api.url));
    const client = new SteptrailClient({
      url: await proxy.start(),
      token: api.token,
      retry: { baseDelayMs: 50, maxDelayMs: 200 },
    });
    const seen: LiveEvent[] = [];
    const subscription = client.subscribe((event) => void seen.push(event));
    const stepsOf = (name: string) =>
      seen.filter(
        (event) => event.event === 'step' && event.data.fileId === fileId && event.data.stepName === name,
      );
    try {
      await until(
        () => seen,
        (events) => events.some((event) => event.event === 'ready'),
      );
      await direct.step(fileId, 'hash_file').start();
      await until(
        () => stepsOf('hash_file'),
        (events) => events.length === 1,
      );
      const resumeAfter = subscription.lastEventId;
      proxy.cut();
      await direct.step(fileId, 'extract_text').start();
      await until(
        () => stepsOf('extract_text'),
        (events) => events.length === 1,
      );
      expect(subscription.reconnects).toBeGreaterThanOrEqual(1);
      expect(stepsOf('hash_file')).toHaveLength(1);
      expect(stepsOf('extract_text')).toHaveLength(1);
      expect(proxy.requests.at(-1)).toMatch(new RegExp(`last-event-id: ${resumeAfter}\\b`, 'i'));
    } finally {
      await client.close();
      await proxy.stop();
    }
  });

  test('a refusal is an error with the API code, and is not retried', async () => {
    const proxy = new TcpProxy(new URL(api.url));
    const client = new SteptrailClient({ url: await proxy.start(), token: api.token });
    try {
      const refused = await client.getFile(2_000_000_000).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(SteptrailApiError);
      expect(refused).toMatchObject({ status: 404, code: 'FILE_NOT_FOUND' });
      expect(proxy.connections).toBe(1);
      const badToken = new SteptrailClient({ url: api.url, token: 'not-a-token-of-this-api' });
      await expect(badToken.listFiles()).rejects.toMatchObject({ status: 401 });
    } finally {
      await client.close();
      await proxy.stop();
    }
  });

  test('the operator calls the dashboard makes: counts, duplicate mark, bulk retry, triage, webhooks, downloads', async () => {
    const before = await direct.countFiles();
    const fileId = await newFile();
    await direct.step(fileId, 'hash_file').fail(new Error('disk full'));
    const after = await direct.countFiles();
    expect(after.total).toBe(before.total + 1);
    expect(after.counts.failed).toBe(before.counts.failed + 1);

    const marked = await direct.updateFile(fileId, { isDuplicate: true });
    expect(marked.status.status).toBe('duplicate');
    expect((await direct.updateFile(fileId, { isDuplicate: false })).status.status).toBe('failed');
    // The suite's token has no admin scope: deleting is refused, and not retried.
    await expect(direct.deleteFile(fileId)).rejects.toMatchObject({ status: 403 });

    const triage = await direct.getFailures({ limit: '200' });
    expect(triage.groups.some((group) => group.step === 'hash_file')).toBe(true);
    const preview = await direct.bulk.preview('retry', { ids: [fileId] });
    expect(preview).toMatchObject({ dryRun: true, matched: 1, sampleFileIds: [fileId] });
    const operation = await direct.bulk.run('retry', { ids: [fileId] }, 50);
    expect(operation).toMatchObject({ state: 'completed', total: 1, done: 1 });
    expect((await direct.bulk.get('retry', operation.id)).results).toEqual([
      expect.objectContaining({ fileId, outcome: 'retried' }),
    ]);
    expect((await direct.getFile(fileId)).status.status).toBe('pending');

    expect((await direct.getTimings()).total).toBeDefined();
    expect(Object.keys((await direct.getOpenApi()).paths)).toContain('/api/counts');

    const hook = await direct.webhooks.create({ url: 'http://127.0.0.1:9/hook', events: ['file.failed'] });
    expect(hook.secret).toMatch(/^whsec_/);
    expect((await direct.webhooks.list()).map((listed) => listed.id)).toContain(hook.id);
    expect((await direct.webhooks.update(hook.id, { paused: true })).pausedAt).not.toBeNull();
    const { delivery } = await direct.webhooks.test(hook.id);
    expect((await direct.webhooks.deliveries(hook.id)).deliveries.map((row) => row.id)).toContain(
      delivery.id,
    );
    expect((await direct.webhooks.attempts(hook.id, delivery.id)).attempts).toEqual([]);
    await expect(direct.webhooks.remove(hook.id)).rejects.toMatchObject({ status: 403 });

    // A registered file's content is not stored by the API: no download of either kind.
    expect(await direct.downloadInfo(fileId, 'original')).toBeNull();
    expect(direct.downloadUrl(fileId, 'original')).toBe(`${api.url}/api/files/${fileId}/download/original`);
  });
});
