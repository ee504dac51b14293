#!/usr/bin/env node
import { ConfigError } from '@steptrail/runtime';
import { loadWorkerConfig } from './config.js';
import { startWorker, stopOnSignals } from './start-worker.js';

// Only starts what the container builds: config from the environment, the worker, and a clean stop on signals.
try {
  const worker = await startWorker(loadWorkerConfig());
  await stopOnSignals(worker);
  process.exit(0);
} catch (error) {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : String((error as Error).stack ?? error)}\n`,
  );
  process.exit(1);
}
