import type { Store } from '@steptrail/domain';
import type { RunningWorker, WorkerConfig } from '@steptrail/worker';

/**
 * SEAM between `pnpm start` and apps/worker: the worker runs in this process through the functions @steptrail/worker
 * exports (`loadWorkerConfig()` reads the worker's variables from the same environment, `startWorker(config)` starts
 * claiming). The module is imported only when START_WORKER is on, so the API alone never loads the pipeline's
 * handlers. Prepared before the database is touched, so a wrong worker variable stops start-up with every problem
 * listed, like the API's own.
 */
export interface PreparedWorker {
  /** Starts claiming on the API's store: one writer connection per process (SQLite needs that), shared wake-ups. */
  start(store: Store): Promise<RunningWorker>;
}

export async function prepareWorker(): Promise<PreparedWorker> {
  const worker = await import('@steptrail/worker');
  const config: WorkerConfig = worker.loadWorkerConfig();
  return { start: (store) => worker.startWorker(config, { store }) };
}
