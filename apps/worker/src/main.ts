#!/usr/bin/env node
import { checkDatabaseServes, runMain, superviseProcess } from '@steptrail/runtime';
import { loadWorkerConfig, prepareWorkerDirectories, startWorker } from '@steptrail/worker';

// Only starts what the container builds: config from the environment, the worker, and a clean stop on signals or
// when its database stays lost (docs/architecture.md#faults).
runMain('steptrail-worker', async () => {
  const config = loadWorkerConfig();
  await prepareWorkerDirectories(config);
  await checkDatabaseServes(config.database);
  const worker = await startWorker(config);
  superviseProcess({
    app: 'steptrail-worker',
    log: worker.log,
    ping: () => worker.ping(),
    lostAfterMs: config.databaseLostAfterMs,
    stop: async () => {
      await worker.stop();
    },
    stopTimeoutMs: config.shutdownGraceMs + 5_000,
  });
});
