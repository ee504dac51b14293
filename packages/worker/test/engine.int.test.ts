import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { defineWorkflow, type Workflow } from '@steptrail/domain';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { STORED } from '../src/documents/artifacts.js';
import type { Destination } from '../src/destinations/destination.js';
import { PermanentError } from '../src/engine/permanent-error.js';
import { FileArtifacts } from '../src/handlers/file-artifacts.js';
import type { HandlerRegistry } from '../src/handlers/handler-registry.js';
import { success } from '../src/handlers/step-handler.js';
import { testBackends } from './support/backends.js';
import { Harness, statuses } from './support/harness.js';
import { uploadFile } from './support/uploads.js';

const workflow = (name: string, steps: string[]): Workflow => {
  const defined = defineWorkflow(name, steps);
  if (!defined.ok) throw new Error(defined.error.message);
  return defined.value;
};

/** A destination that fails its first `failures` uploads, then copies into a folder. */
class FlakyDestination implements Destination {
  readonly type = 'flaky';
  uploads = 0;

  constructor(
    readonly name: string,
    private readonly failures: number,
    private readonly dir: string,
  ) {}

  async upload(localPath: string, remoteName: string): Promise<string> {
    this.uploads += 1;
    if (this.uploads <= this.failures)
      throw new Error(`simulated outage ${this.uploads} of ${this.failures}`);
    await mkdir(this.dir, { recursive: true });
    await copyFile(localPath, join(this.dir, remoteName));
    return join(this.dir, remoteName);
  }
}

const noop = (registry: HandlerRegistry, ...names: string[]) => {
  for (const stepName of names) registry.register({ stepName, run: async () => success(`${stepName} done`) });
};

describe.each(testBackends())('the engine on $name', (backend) => {
  let h: Harness;

  beforeEach(async (context) => {
    if (backend.skipReason !== null) context.skip(backend.skipReason);
    h = await Harness.open(backend, `engine_${backend.name}`);
  });

  afterEach(async () => {
    if (h === undefined) return;
    // After every scenario, every step row must equal the fold of its logs.
    const verification = await h.verifyAll();
    await h.close();
    expect(verification.problems).toEqual([]);
  });

  test('runs a workflow step by step: each step is claimed, finished and makes the next runnable', async () => {
    const file = await uploadFile(
      h.tracker(),
      h.dirs.storage,
      Buffer.from('a'),
      'a.txt',
      workflow('two', ['step_a', 'step_b']),
    );
    await h.start({}, { builtInHandlers: false, register: (registry) => noop(registry, 'step_a', 'step_b') });

    const detail = await h.waitFor(file.id);

    expect(detail.status.status).toBe('completed');
    expect(statuses(await h.history(file.id, 'step_a'))).toEqual(['in_progress', 'success']);
    expect(statuses(await h.history(file.id, 'step_b'))).toEqual(['in_progress', 'success']);
  });

  test('a destination that fails twice then succeeds ends success with 3 attempts in its history', async () => {
    const flaky = new FlakyDestination('flaky', 2, h.dirs.destination);
    const file = await uploadFile(
      h.tracker(),
      h.dirs.storage,
      Buffer.from('%PDF-1.4 stand-in'),
      'doc.pdf',
      workflow('deliver', ['send_to_all_destinations']),
    );
    // What finalize_document_storage leaves for the uploads.
    const stored = join(h.dirs.processed, 'doc.pdf');
    await mkdir(h.dirs.processed, { recursive: true });
    await copyFile(join(h.dirs.storage, file.localFilename), stored);
    await FileArtifacts.forFile(join(h.dirs.storage, 'work'), file.id).writeJson(STORED, {
      path: stored,
      name: 'doc.pdf',
      state: 'done',
    });
    await h.start({ MAX_ATTEMPTS: '5' }, { destinations: [flaky] });

    const detail = await h.waitFor(
      file.id,
      (d) => d.status.status !== 'pending' && d.summary.uploads.success + d.summary.uploads.failure > 0,
    );

    const steps = await h.steps(file.id);
    expect(steps['upload_to_flaky']).toMatchObject({ status: 'success', attempts: 3 });
    expect(steps['queue_flaky']).toMatchObject({ status: 'success', attempts: 1 });
    expect(detail.status.status).toBe('completed');
    expect(statuses(await h.history(file.id, 'upload_to_flaky'))).toEqual([
      'pending', // queued by queue_flaky
      'in_progress',
      'failure',
      'pending', // retry scheduled
      'in_progress',
      'failure',
      'pending',
      'in_progress',
      'success',
    ]);
    expect(flaky.uploads).toBe(3);
  });

  test('a permanent error fails the step at once, without a retry', async () => {
    const file = await uploadFile(
      h.tracker(),
      h.dirs.storage,
      Buffer.from('b'),
      'b.txt',
      workflow('bad', ['reject', 'after']),
    );
    await h.start(
      { MAX_ATTEMPTS: '5' },
      {
        builtInHandlers: false,
        register: (registry) => {
          registry.register({
            stepName: 'reject',
            run: async () => Promise.reject(new PermanentError('bad input: not a document')),
          });
          noop(registry, 'after');
        },
      },
    );

    const detail = await h.waitFor(file.id);

    expect(detail.status.status).toBe('failed');
    expect((await h.steps(file.id))['reject']).toMatchObject({
      status: 'failure',
      attempts: 1,
      errorMessage: 'bad input: not a document',
    });
    expect(statuses(await h.history(file.id, 'reject'))).toEqual(['in_progress', 'failure']);
    expect((await h.steps(file.id))['after']?.status).toBe('pending');
  });

  test('a transient error is retried until MAX_ATTEMPTS_BY_STEP is used up, then the step fails', async () => {
    const file = await uploadFile(
      h.tracker(),
      h.dirs.storage,
      Buffer.from('c'),
      'c.txt',
      workflow('flaky', ['wobble']),
    );
    await h.start(
      { MAX_ATTEMPTS: '9', MAX_ATTEMPTS_BY_STEP: '{"wobble": 3}' },
      {
        builtInHandlers: false,
        register: (registry) =>
          registry.register({ stepName: 'wobble', run: async () => Promise.reject(new Error('still down')) }),
      },
    );

    const detail = await h.waitFor(file.id);

    expect(detail.status.status).toBe('failed');
    expect((await h.steps(file.id))['wobble']).toMatchObject({
      status: 'failure',
      attempts: 3,
      errorMessage: 'still down',
    });
    expect(statuses(await h.history(file.id, 'wobble'))).toEqual([
      'in_progress',
      'failure',
      'pending',
      'in_progress',
      'failure',
      'pending',
      'in_progress',
      'failure',
    ]);
  });

  test('a handler that hangs past STEP_TIMEOUT_MS is abandoned and its attempt recorded as failed', async () => {
    const file = await uploadFile(
      h.tracker(),
      h.dirs.storage,
      Buffer.from('t'),
      't.txt',
      workflow('hang', ['hang']),
    );
    let aborted = false;
    await h.start(
      { STEP_TIMEOUT_MS: '1000', MAX_ATTEMPTS: '1' },
      {
        builtInHandlers: false,
        register: (registry) =>
          registry.register({
            stepName: 'hang',
            // Notices the abort but never settles: the engine must not wait for it.
            run: ({ signal }) => {
              signal.addEventListener('abort', () => (aborted = true), { once: true });
              return new Promise(() => undefined);
            },
          }),
      },
    );

    expect((await h.waitFor(file.id)).status.status).toBe('failed');
    expect((await h.steps(file.id))['hang']?.errorMessage).toBe(
      'Step hang did not finish within 1000 ms (STEP_TIMEOUT_MS); abandoned.',
    );
    expect(aborted).toBe(true);
  });

  test('runs at most WORKER_CONCURRENCY steps at once, claiming them together', async () => {
    const files = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        uploadFile(
          h.tracker(),
          h.dirs.storage,
          Buffer.from(`f${index}`),
          `f${index}.txt`,
          workflow('gate', ['gated']),
        ),
      ),
    );
    let running = 0;
    let peak = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    await h.start(
      { WORKER_CONCURRENCY: '3' },
      {
        builtInHandlers: false,
        register: (registry) =>
          registry.register({
            stepName: 'gated',
            run: async () => {
              running += 1;
              peak = Math.max(peak, running);
              // The gate opens only once three steps run side by side; a worker running fewer would never finish.
              if (running === 3) open();
              await gate;
              running -= 1;
              return success();
            },
          }),
      },
    );

    for (const file of files) expect((await h.waitFor(file.id)).status.status).toBe('completed');
    expect(peak).toBe(3);
  });

  test('the step of a worker whose lease expired is re-queued with an event naming that worker, then finished', async () => {
    const file = await uploadFile(
      h.tracker(),
      h.dirs.storage,
      Buffer.from('d'),
      'd.txt',
      workflow('lost', ['orphan']),
    );
    // A worker that claims and then dies: its lease is never renewed.
    const [claimed] = await h
      .claims()
      .claim('ghost-worker', { limit: 1, leaseMs: 100, stepNames: ['orphan'] });
    expect(claimed?.stepName).toBe('orphan');
    await h.start(
      { LEASE_MS: '1000', REAPER_INTERVAL_MS: '100' },
      { builtInHandlers: false, register: (registry) => noop(registry, 'orphan') },
    );

    const detail = await h.waitFor(file.id);

    expect(detail.status.status).toBe('completed');
    const history = await h.history(file.id, 'orphan');
    expect(statuses(history)).toEqual(['in_progress', 'pending', 'in_progress', 'success']);
    expect(history[1]?.message).toContain('ghost-worker');
    expect((await h.steps(file.id))['orphan']?.attempts).toBe(2);
  });

  test('a lease that expires on the last attempt fails the step instead of re-queueing it', async () => {
    const file = await uploadFile(
      h.tracker(),
      h.dirs.storage,
      Buffer.from('e'),
      'e.txt',
      workflow('last', ['doomed']),
    );
    await h.claims().claim('ghost-worker', { limit: 1, leaseMs: 100, stepNames: ['doomed'] });
    await h.start(
      { MAX_ATTEMPTS: '1', REAPER_INTERVAL_MS: '100' },
      { builtInHandlers: false, register: (registry) => noop(registry, 'doomed') },
    );

    const detail = await h.waitFor(file.id);

    expect(detail.status.status).toBe('failed');
    const history = await h.history(file.id, 'doomed');
    expect(statuses(history)).toEqual(['in_progress', 'failure']);
    expect(history[1]?.message).toContain('ghost-worker');
  });

  test('stopping releases a step still running after the grace period; another worker then finishes it', async () => {
    const file = await uploadFile(
      h.tracker(),
      h.dirs.storage,
      Buffer.from('g'),
      'g.txt',
      workflow('slow', ['slow']),
    );
    let started!: () => void;
    const isRunning = new Promise<void>((resolve) => (started = resolve));
    const first = await h.start(
      { SHUTDOWN_GRACE_MS: '50', WORKER_ID: 'first' },
      {
        builtInHandlers: false,
        register: (registry) =>
          registry.register({
            stepName: 'slow',
            run: async ({ signal }) => {
              started();
              await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
              throw new Error('aborted');
            },
          }),
      },
    );
    await isRunning;

    const report = await first.stop();

    expect(report).toEqual({ finished: 0, released: 1 });
    const history = await h.history(file.id, 'slow');
    expect(statuses(history)).toEqual(['in_progress', 'pending']);
    expect(history[1]?.message).toBe('Released by worker first: worker shutting down');
    await h.start(
      { WORKER_ID: 'second' },
      { builtInHandlers: false, register: (registry) => noop(registry, 'slow') },
    );
    expect((await h.waitFor(file.id)).status.status).toBe('completed');
    expect(statuses(await h.history(file.id, 'slow'))).toEqual([
      'in_progress',
      'pending',
      'in_progress',
      'success',
    ]);
  });

  test('stopping lets a step that ends within the grace period finish and records its outcome', async () => {
    const file = await uploadFile(
      h.tracker(),
      h.dirs.storage,
      Buffer.from('h'),
      'h.txt',
      workflow('brief', ['brief']),
    );
    let started!: () => void;
    const isRunning = new Promise<void>((resolve) => (started = resolve));
    let finish!: () => void;
    const canFinish = new Promise<void>((resolve) => (finish = resolve));
    const worker = await h.start(
      { SHUTDOWN_GRACE_MS: '60000' },
      {
        builtInHandlers: false,
        register: (registry) =>
          registry.register({
            stepName: 'brief',
            run: async () => {
              started();
              await canFinish;
              return success('finished during shutdown');
            },
          }),
      },
    );
    await isRunning;

    const stopped = worker.stop();
    finish();

    expect(await stopped).toEqual({ finished: 1, released: 0 });
    expect((await h.steps(file.id))['brief']).toMatchObject({ status: 'success', attempts: 1 });
  });
});
