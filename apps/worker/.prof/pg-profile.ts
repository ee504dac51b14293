import { StepTracker, systemClock } from '@steptrail/domain';
import { migrateToLatest, openStore, parseDatabaseUrl } from '@steptrail/runtime';
import { createDatabase, startPostgres } from '@steptrail/test-servers';
import { parseWorkerConfig } from '../src/config.js';
import { startWorker } from '../src/start-worker.js';
import { noopWorkflow, registerNoopSteps } from '../bench/noop-steps.js';

const server = await startPostgres();
const url = await createDatabase(server.url, 'prof');
const target = parseDatabaseUrl(url, '/').value!;
await migrateToLatest(target);
const store = await openStore(target, { poolSize: 4 });
const tracker = new StepTracker({ unitOfWork: store.unitOfWork, clock: systemClock });
const t0 = Date.now();
for (let i = 0; i < 400; i += 1) await tracker.registerFile({ filehash: `h${i}`, originalFilename: null, localFilename: 'x', fileSize: 0, mimeType: null, workflow: noopWorkflow(), managed: true });
console.log('register 400 files ms', Date.now() - t0);
const config = parseWorkerConfig({ DATABASE_URL: url, WORKER_CONCURRENCY: process.argv[2] ?? '16', LOG_LEVEL: 'warn', STORAGE_DIR: '/tmp/prof-storage' }, '/tmp');
const t1 = Date.now();
const worker = await startWorker(config, { builtInHandlers: false, register: registerNoopSteps });
for (;;) {
  const c = await store.reads.files.countByStatus();
  if (c.pending === 0 && c.processing === 0) break;
  await new Promise((r) => setTimeout(r, 50));
}
const ms = Date.now() - t1;
console.log('2000 steps ms', ms, 'steps/s', (2000 * 1000) / ms);
await worker.stop();
await store.close();
await server.stop();
