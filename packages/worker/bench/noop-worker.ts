// One benchmark worker process: the real engine with no-op handlers, configured from the environment like main.ts.
import { stopOnSignals } from '@steptrail/runtime';
import { loadWorkerConfig } from '../src/config.js';
import { startWorker } from '../src/start-worker.js';
import { registerNoopSteps } from './noop-steps.js';

// Loaded, then held until the benchmark says "go" on stdin to every process at once: started one by one, the
// first processes could finish a small backlog before the last one was ready, leaving no window to measure.
process.stdout.write('loaded\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.pause();
const worker = await startWorker(loadWorkerConfig(), { builtInHandlers: false, register: registerNoopSteps });
process.stdout.write('ready\n');
stopOnSignals(async () => {
  await worker.stop();
});
