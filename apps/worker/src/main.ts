#!/usr/bin/env node
import { checkDatabaseServes, runMain, stopOnSignals } from '@steptrail/runtime';
import { loadWorkerConfig } from './config.js';
import { prepareWorkerDirectories, startWorker } from './start-worker.js';

// Only starts what the container builds: config from the environment, the worker, and a clean stop on signals.
runMain('steptrail-worker', async () => {
  const config = loadWorkerConfig();
  await prepareWorkerDirectories(config);
  await checkDatabaseServes(config.database);
  const worker = await startWorker(config);
  stopOnSignals(async () => {
    await worker.stop();
  });
});
