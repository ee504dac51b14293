import { readdir } from 'node:fs/promises';
import type { FileRecord } from '@steptrail/domain';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { testBackends } from './support/backends.js';
import { Harness } from './support/harness.js';
import { plainText } from './support/test-documents.js';
import { uploadFile } from './support/uploads.js';

// Upload steps for a destination no worker delivers to (docs/architecture.md#upload-steps). The rule is the
// domain's and the same on every database: SQLite is enough.
const sqlite = testBackends().find((backend) => backend.name === 'sqlite')!;

describe('upload steps for a destination the worker does not have', () => {
  let h: Harness;
  let file: FileRecord;
  const archive = () => JSON.stringify([{ name: 'archive', type: 'local', path: h.dirs.destination }]);
  const lastMessage = async (stepName: string) =>
    (await h.history(file.id, stepName)).filter((log) => log.status !== null).at(-1)?.message;

  beforeEach(async () => {
    h = await Harness.open(sqlite, 'upload_destinations');
    file = await uploadFile(h.tracker(), h.dirs.storage, plainText(), 'notes.txt');
  });

  afterEach(async () => {
    const verification = await h.verifyAll();
    await h.close();
    expect(verification.problems).toEqual([]);
  });

  test('added before the pipeline ends: its queue step fails naming the destination, the file reads failed, configured ones deliver', async () => {
    await h.tracker().addUploadSteps(file.id, ['nas']);
    await h.start({ DESTINATIONS: archive() });

    await h.waitForStep(file.id, 'upload_to_archive', ['success', 'failure']);
    const detail = await h.waitFor(file.id);

    expect(detail.status.status).toBe('failed');
    const steps = await h.steps(file.id);
    expect(steps['queue_nas']).toMatchObject({
      status: 'failure',
      errorMessage:
        'Destination nas is not configured on this worker (DESTINATIONS has archive): nothing can deliver there. Configure it, then retry this step.',
    });
    expect(steps['upload_to_nas']?.status).toBe('pending');
    expect(detail.summary.uploads.stopped).toBe(1);
    expect(await lastMessage('send_to_all_destinations')).toBe(
      'Sending to 1 destination(s): archive; not configured, failed: nas',
    );
    expect(await readdir(h.dirs.destination)).toHaveLength(1);
  });

  test('with no destinations configured at all, the same: failed with the reason, not completed', async () => {
    await h.tracker().addUploadSteps(file.id, ['nas']);
    await h.start();

    await h.waitForStep(file.id, 'send_to_all_destinations', ['skipped', 'failure']);
    const detail = await h.waitFor(file.id);

    expect(detail.status.status).toBe('failed');
    expect((await h.steps(file.id))['queue_nas']?.errorMessage).toBe(
      'Destination nas is not configured on this worker (DESTINATIONS is empty): nothing can deliver there. Configure it, then retry this step.',
    );
    expect(await lastMessage('send_to_all_destinations')).toBe(
      'No destinations are configured (DESTINATIONS is empty); not configured, failed: nas',
    );
  });

  test('added after the file completed: it reads processing at once, its queue step runnable, not completed', async () => {
    await h.start({ DESTINATIONS: archive() });
    await h.waitFor(file.id, (d) => d.summary.uploads.success > 0);

    expect((await h.tracker().addUploadSteps(file.id, ['nas'])).ok).toBe(true);

    const afterAdd = await h.waitFor(file.id, () => true);
    expect(afterAdd.status.status).toBe('processing');
    expect((await h.steps(file.id))['queue_nas']?.runAfter).not.toBeNull();
  });
});
