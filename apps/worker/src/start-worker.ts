import { WORKER_TOKENS, buildWorkerContainer, type WorkerOverrides } from './container.js';
import type { WorkerConfig } from './config.js';
import type { StopReport } from './engine/worker-engine.js';

export interface RunningWorker {
  readonly workerId: string;
  /** The steps this worker claims. */
  readonly stepNames: readonly string[];
  /** Stops claiming, finishes or releases running steps (after the grace period), closes what it opened. */
  stop(): Promise<StopReport>;
}

/** Builds the worker's container and starts claiming; what `pnpm start` (in the API's process) and main.ts call. */
export async function startWorker(
  config: WorkerConfig,
  overrides: WorkerOverrides = {},
): Promise<RunningWorker> {
  const built = await buildWorkerContainer(config, overrides);
  const engine = built.container.resolve(WORKER_TOKENS.Engine);
  const log = built.container.resolve(WORKER_TOKENS.Logger);
  const stepNames = built.container.resolve(WORKER_TOKENS.Handlers).stepNames();
  engine.start();
  log.info('worker started', {
    concurrency: config.concurrency,
    leaseMs: config.leaseMs,
    database: config.database.display,
    steps: stepNames.length,
  });
  let stopping: Promise<StopReport> | null = null;
  return {
    workerId: config.workerId,
    stepNames,
    stop: () =>
      (stopping ??= (async () => {
        const report = await engine.stop();
        await built.dispose();
        return report;
      })()),
  };
}

/** Stops the worker on the first SIGTERM or SIGINT; resolves when it has stopped. */
export function stopOnSignals(
  worker: RunningWorker,
  signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'],
): Promise<StopReport> {
  return new Promise((resolve, reject) => {
    const onSignal = () => {
      for (const signal of signals) process.off(signal, onSignal);
      worker.stop().then(resolve, reject);
    };
    for (const signal of signals) process.on(signal, onSignal);
  });
}
