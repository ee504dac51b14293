import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineWorkflow } from '@steptrail/domain';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { testBackends } from './support/backends.js';
import { Harness } from './support/harness.js';
import { uploadFile } from './support/uploads.js';
import { slowStepPlugin, spawnWorker, waitForFile, type WorkerProcess } from './support/worker-process.js';

const slowThenQuick = (() => {
  const defined = defineWorkflow('slow-then-quick', ['slow_step', 'quick_step']);
  if (!defined.ok) throw new Error(defined.error.message);
  return defined.value;
})();

/** Every metric docs/architecture.md#metrics names for a worker. */
const STEP_METRICS = [
  'steptrail_step_transitions_total',
  'steptrail_step_duration_seconds',
  'steptrail_steps_active',
  'steptrail_step_retries_total',
  'steptrail_lease_expiries_total',
  'steptrail_step_stalls_total',
];

/** The value of one sample line, e.g. `name{labels} 3`; 0 when absent. */
function sample(text: string, line: string): number {
  const found = text.split('\n').find((candidate) => candidate.startsWith(`${line} `));
  return found === undefined ? 0 : Number(found.slice(line.length + 1));
}

describe.each(testBackends())('worker observability on $name', (backend) => {
  let h: Harness;
  let child: WorkerProcess | null = null;

  beforeEach(async (context) => {
    if (backend.skipReason !== null) context.skip(backend.skipReason);
    h = await Harness.open(backend, `metrics_${backend.name}`);
  });

  afterEach(async () => {
    child?.kill('SIGKILL');
    child = null;
    await h?.close();
  });

  test('a worker process serves /metrics, /healthz and /readyz on its own port, and its steps move the metrics', async () => {
    const markers = join(h.dirs.root, 'markers');
    child = spawnWorker(
      h.env({
        WORKER_ID: 'metrics-worker',
        WORKER_PLUGINS: slowStepPlugin,
        STEP_CONFIG: JSON.stringify({ slow_step: { markerDir: markers } }),
        WORKER_METRICS_PORT: '0',
        LOG_LEVEL: 'info',
      }),
    );
    const worker = child;
    let url: string | null = null;
    while (url === null) {
      const match = /"url":"(http:\/\/[^"]+)","msg":"worker metrics listening"/.exec(worker.output());
      if (match?.[1] !== undefined) url = match[1];
      else if (worker.output().includes('cannot start')) throw new Error(worker.output());
      else await sleep(50);
    }
    const get = async (path: string) => {
      const response = await fetch(`${url}${path}`);
      return { status: response.status, text: await response.text() };
    };
    expect(await get('/healthz')).toEqual({ status: 200, text: '{"status":"ok"}' });
    expect(JSON.parse((await get('/readyz')).text)).toMatchObject({ status: 'ready' });

    const file = await uploadFile(
      h.tracker(),
      h.dirs.storage,
      Buffer.from('slow'),
      'slow.txt',
      slowThenQuick,
    );
    await waitForFile(join(markers, `${file.id}.started`), worker);
    const running = (await get('/metrics')).text;
    for (const name of STEP_METRICS) expect(running).toContain(`# TYPE ${name} `);
    expect(sample(running, 'steptrail_steps_active{step="slow_step",state="in_progress"}')).toBe(1);
    expect(sample(running, 'steptrail_step_transitions_total{step="slow_step",status="in_progress"}')).toBe(
      1,
    );

    await writeFile(join(markers, `${file.id}.release`), '');
    expect((await h.waitFor(file.id)).status.status).toBe('completed');
    const done = (await get('/metrics')).text;
    expect(sample(done, 'steptrail_step_transitions_total{step="slow_step",status="success"}')).toBe(1);
    expect(sample(done, 'steptrail_step_transitions_total{step="quick_step",status="success"}')).toBe(1);
    expect(sample(done, 'steptrail_step_duration_seconds_count{step="slow_step",outcome="success"}')).toBe(1);
    expect(sample(done, 'steptrail_steps_active{step="slow_step",state="in_progress"}')).toBe(0);
    worker.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
  });
});
