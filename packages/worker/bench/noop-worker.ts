// One benchmark worker process: the real engine with no-op handlers, configured from the environment like main.ts.
import { stopOnSignals } from '@steptrail/runtime';
import { loadWorkerConfig } from '../src/config.js';
import { startWorker } from '../src/start-worker.js';
import { registerNoopSteps } from './noop-steps.js';

const worker = await startWorker(loadWorkerConfig(), { builtInHandlers: false, register: registerNoopSteps });
process.stdout.write('ready\n');
stopOnSignals(async () => {
  await worker.stop();
});
