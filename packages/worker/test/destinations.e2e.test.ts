import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  startDropbox,
  startS3,
  startSftp,
  startWebdav,
  type Started,
} from './support/destination-servers.js';
import { testBackends } from './support/backends.js';
import { Harness } from './support/harness.js';
import { textPdf } from './support/test-documents.js';
import { skipUnlessCi } from './support/test-env.js';
import { uploadFile } from './support/uploads.js';
import { spawnWorker, type WorkerProcess } from './support/worker-process.js';

const kinds = ['s3', 'webdav', 'sftp', 'dropbox'] as const;
const started = new Map<(typeof kinds)[number], Started>();

beforeAll(async () => {
  const [s3, webdav, sftp, dropbox] = await Promise.all([
    startS3(),
    startWebdav(),
    startSftp(),
    startDropbox(),
  ]);
  started.set('s3', s3).set('webdav', webdav).set('sftp', sftp).set('dropbox', dropbox);
  for (const server of started.values()) skipUnlessCi(server.skipReason);
}, 60_000);

afterAll(async () => {
  await Promise.all([...started.values()].map(async (entry) => entry.server?.close()));
});

const skipped = () =>
  kinds.flatMap((kind) =>
    started.get(kind)?.skipReason ? [`${kind}: ${started.get(kind)?.skipReason}`] : [],
  );

describe.each(testBackends())(
  'a worker process delivering to every kind of destination on $name',
  (backend) => {
    let h: Harness;
    let child: WorkerProcess | null = null;

    beforeEach(async (context) => {
      if (backend.skipReason !== null) context.skip(backend.skipReason);
      h = await Harness.open(backend, `deliver_${backend.name}`);
    });

    afterEach(async () => {
      child?.kill('SIGKILL');
      if (h === undefined) return;
      const verification = await h.verifyAll();
      await h.close();
      expect(verification.problems).toEqual([]);
    });

    test('a PDF is delivered to local, S3, WebDAV, SFTP and Dropbox in parallel steps, each with the processed bytes', async () => {
      // Destinations whose server could not start (outside CI only) are left out; the reasons are printed.
      if (skipped().length > 0) console.warn(`destinations left out: ${skipped().join('; ')}`);
      const running = kinds.filter((kind) => started.get(kind)?.server != null);
      const destinations = [
        { name: 'archive', type: 'local', path: h.dirs.destination },
        ...running.map((kind) => ({ name: kind, ...started.get(kind)?.server?.config })),
      ];
      const file = await uploadFile(h.tracker(), h.dirs.storage, await textPdf(), 'scan.pdf');
      child = spawnWorker(h.env({ DESTINATIONS: JSON.stringify(destinations), WORKER_CONCURRENCY: '6' }));

      const detail = await h.waitFor(
        file.id,
        (d) => d.summary.uploads.success + d.summary.uploads.failure === destinations.length,
      );

      expect(detail.status.status, child.output()).toBe('completed');
      expect(detail.summary.uploads).toMatchObject({ success: destinations.length, failure: 0 });
      const [name] = await readdir(h.dirs.processed);
      expect(name).toBe('Invoice-from-Acme-GmbH-2024-03-15.pdf');
      const processed = await readFile(join(h.dirs.processed, name ?? ''));
      expect(await readFile(join(h.dirs.destination, name ?? ''))).toEqual(processed);
      for (const kind of running)
        expect(await started.get(kind)?.server?.read(name ?? ''), kind).toEqual(processed);
      const steps = await h.steps(file.id);
      for (const destination of destinations) {
        expect(steps[`queue_${destination.name}`]?.status).toBe('success');
        expect(steps[`upload_to_${destination.name}`]).toMatchObject({ status: 'success', attempts: 1 });
      }
    });
  },
);
