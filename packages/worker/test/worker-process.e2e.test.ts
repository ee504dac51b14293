import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineWorkflow, type FileRecord } from '@steptrail/domain';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { testBackends } from './support/backends.js';
import { Harness, statuses } from './support/harness.js';
import { uploadFile } from './support/uploads.js';
import { slowStepPlugin, spawnWorker, waitForFile, type WorkerProcess } from './support/worker-process.js';

const slowThenQuick = (() => {
  const defined = defineWorkflow('slow-then-quick', ['slow_step', 'quick_step']);
  if (!defined.ok) throw new Error(defined.error.message);
  return defined.value;
})();

describe.each(testBackends())('worker processes on $name', (backend) => {
  let h: Harness;
  const children: WorkerProcess[] = [];
  const markers = () => join(h.dirs.root, 'markers');

  /** A worker process that runs the slow and quick test steps from a WORKER_PLUGINS module. */
  const worker = (id: string, env: Record<string, string> = {}): WorkerProcess => {
    const child = spawnWorker(
      h.env({
        WORKER_ID: id,
        WORKER_PLUGINS: slowStepPlugin,
        STEP_CONFIG: JSON.stringify({ slow_step: { markerDir: markers() } }),
        ...env,
      }),
    );
    children.push(child);
    return child;
  };
  const upload = (): Promise<FileRecord> =>
    uploadFile(h.tracker(), h.dirs.storage, Buffer.from('slow'), 'slow.txt', slowThenQuick);
  const release = (file: FileRecord) => writeFile(join(markers(), `${file.id}.release`), '');
  const started = async (file: FileRecord, child: WorkerProcess) => {
    await waitForFile(join(markers(), `${file.id}.started`), child);
    return readFile(join(markers(), `${file.id}.started`), 'utf8');
  };

  beforeEach(async (context) => {
    if (backend.skipReason !== null) context.skip(backend.skipReason);
    h = await Harness.open(backend, `process_${backend.name}`);
  });

  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    if (h === undefined) return;
    const verification = await h.verifyAll();
    await h.close();
    expect(verification.problems).toEqual([]);
  });

  test('SIGTERM mid-step: the worker releases the step after its grace period and exits 0; another finishes it', async () => {
    const file = await upload();
    const a = worker('worker-a', { SHUTDOWN_GRACE_MS: '100' });
    expect(await started(file, a)).toBe('worker-a');

    a.kill('SIGTERM');

    expect(await a.exited).toEqual({ code: 0, signal: null });
    const released = await h.history(file.id, 'slow_step');
    expect(statuses(released)).toEqual(['in_progress', 'pending']);
    expect(released[1]?.message).toBe('Released by worker worker-a: worker shutting down');
    await release(file);
    const b = worker('worker-b');
    expect((await h.waitFor(file.id)).status.status).toBe('completed');
    const history = await h.history(file.id, 'slow_step');
    expect(statuses(history)).toEqual(['in_progress', 'pending', 'in_progress', 'success']);
    expect(history[3]?.message).toBe('finished by worker-b');
    b.kill('SIGTERM');
    expect((await b.exited).code).toBe(0);
  });

  test('SIGTERM mid-step: a step that ends within the grace period is finished and recorded before exit 0', async () => {
    const file = await upload();
    const a = worker('worker-a', { SHUTDOWN_GRACE_MS: '60000' });
    await started(file, a);

    a.kill('SIGTERM');
    await release(file);

    expect(await a.exited).toEqual({ code: 0, signal: null });
    const steps = await h.steps(file.id);
    expect(steps['slow_step']).toMatchObject({ status: 'success', attempts: 1 });
    // The stopping worker claims nothing more: the next step waits, runnable, for another worker.
    expect(steps['quick_step']).toMatchObject({ status: 'pending', attempts: 0 });
    expect(steps['quick_step']?.runAfter).not.toBeNull();
    worker('worker-b');
    expect((await h.waitFor(file.id)).status.status).toBe('completed');
  });

  test('kill -9 mid-step: another worker re-queues the step once the lease expires, naming the lost worker, and finishes it', async () => {
    const file = await upload();
    const leases = { LEASE_MS: '1500', HEARTBEAT_MS: '300', REAPER_INTERVAL_MS: '300' };
    const a = worker('worker-a', leases);
    await started(file, a);

    a.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');
    await release(file);
    worker('worker-b', leases);

    expect((await h.waitFor(file.id)).status.status).toBe('completed');
    const history = await h.history(file.id, 'slow_step');
    expect(statuses(history)).toEqual(['in_progress', 'pending', 'in_progress', 'success']);
    expect(history[0]?.message).toBe('Claimed by worker worker-a');
    expect(history[1]?.message).toBe('Lease of worker worker-a expired; re-queued');
    expect(history[2]?.message).toBe('Claimed by worker worker-b');
    expect((await h.steps(file.id))['slow_step']?.attempts).toBe(2);
  });

  test('a configuration error stops the worker at start-up with every problem listed and exit code 2', async () => {
    const child = spawnWorker(h.env({ WORKER_CONCURRENCY: 'many', DESTINATIONS: '[{"type":"ftp"}]' }));
    children.push(child);

    expect((await child.exited).code).toBe(2);
    expect(child.output()).toContain('Invalid configuration:');
    expect(child.output()).toContain('WORKER_CONCURRENCY');
    expect(child.output()).toContain('DESTINATIONS.0.type');
  });
});
