import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { destinationConfigSchema } from '../src/destinations/destination-config.js';
import { createDestination } from '../src/destinations/create-destination.js';
import { PermanentError } from '../src/engine/permanent-error.js';
import {
  startDropbox,
  startSftp,
  startWebdav,
  type DestinationServer,
  type Started,
} from './support/destination-servers.js';
import { skipUnlessCi } from './support/test-env.js';

const signal = new AbortController().signal;
let scratch: string;
let document: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'steptrail-destinations-'));
  document = join(scratch, 'source.pdf');
  await writeFile(document, '%PDF-1.4 first version');
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const destination = (server: DestinationServer, overrides: Record<string, unknown> = {}) =>
  createDestination(destinationConfigSchema.parse({ name: 'target', ...server.config, ...overrides }));

// S3 is not here: vitest's int project resolves the 'module' export condition, under which the AWS SDK's
// ES build cannot load in-process. S3 is delivered to by a worker process in destinations.e2e.test.ts.
const servers: Array<[string, () => Promise<Started>, Record<string, unknown>]> = [
  ['webdav', startWebdav, { password: 'wrong' }],
  ['sftp', startSftp, { hostKeySha256: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }],
  ['dropbox', startDropbox, { accessToken: 'revoked' }],
];

describe('the local destination', () => {
  test('copies the file under its name, atomically, and overwrites its own earlier upload', async () => {
    const folder = join(scratch, 'local');
    const local = await createDestination({ name: 'archive', type: 'local', path: folder });
    expect(await local.upload(document, 'Invoice.pdf', signal)).toBe(join(folder, 'Invoice.pdf'));
    await writeFile(document, '%PDF-1.4 second version');
    await local.upload(document, 'Invoice.pdf', signal);
    expect(await readdir(folder)).toEqual(['Invoice.pdf']);
  });
});

describe.each(servers)('the %s destination', (type, start, badCredentials) => {
  let started: Started;

  beforeAll(async () => {
    started = await start();
    skipUnlessCi(started.skipReason);
  }, 60_000);
  afterAll(() => started.server?.close());

  test('uploads the file under its name, and a second upload of the same name replaces the first', async (context) => {
    if (started.server === null) return context.skip(started.skipReason);
    const target = await destination(started.server);
    await writeFile(document, `%PDF-1.4 ${type} one`);
    const location = await target.upload(document, 'Report 2024 (final).pdf', signal);
    expect(location).toContain('Report');
    expect((await started.server.read('Report 2024 (final).pdf'))?.toString()).toBe(`%PDF-1.4 ${type} one`);
    await writeFile(document, `%PDF-1.4 ${type} two`);
    await target.upload(document, 'Report 2024 (final).pdf', signal);
    expect((await started.server.read('Report 2024 (final).pdf'))?.toString()).toBe(`%PDF-1.4 ${type} two`);
  });

  test('refused credentials are a permanent error, not retried', async (context) => {
    if (started.server === null) return context.skip(started.skipReason);
    const target = await destination(started.server, badCredentials);
    await expect(target.upload(document, 'denied.pdf', signal)).rejects.toBeInstanceOf(PermanentError);
    expect(await started.server.read('denied.pdf')).toBeNull();
  });
});
