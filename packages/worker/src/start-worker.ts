import { ReconcileLoop, TOKENS, ensureWritableDirectory, type Logger } from '@steptrail/runtime';
import { WORKER_TOKENS, buildWorkerContainer, type WorkerOverrides } from './container.js';
import type { WorkerConfig } from './config.js';
import type { StopReport } from './engine/worker-engine.js';

export interface RunningWorker {
  readonly workerId: string;
  /** The steps this worker claims. */
  readonly stepNames: readonly string[];
  /** The worker's logger, for what runs it (the process supervision of main.ts). */
  readonly log: Logger;
  /** Answers when the worker's database is reachable. */
  ping(): Promise<void>;
  /** Stops claiming, finishes or releases running steps (after the grace period), closes what it opened. */
  stop(): Promise<StopReport>;
}

/**
 * Creates the directories the worker writes and checks it may write there, so a wrong path stops start-up with a
 * message naming the variable instead of failing every step later.
 */
export async function prepareWorkerDirectories(config: WorkerConfig): Promise<void> {
  await ensureWritableDirectory(config.storageDir, 'STORAGE_DIR');
  await ensureWritableDirectory(config.workDir, 'WORK_DIR');
  await ensureWritableDirectory(config.processedDir, 'PROCESSED_DIR');
  await ensureWritableDirectory(config.scratchDir, 'SCRATCH_DIR');
}

/** Builds the worker's container and starts claiming; what main.ts and the all-in-one app call. */
export async function startWorker(
  config: WorkerConfig,
  overrides: WorkerOverrides = {},
): Promise<RunningWorker> {
  const built = await buildWorkerContainer(config, overrides);
  const engine = built.container.resolve(WORKER_TOKENS.Engine);
  const log = built.container.resolve(WORKER_TOKENS.Logger);
  const stepNames = built.container.resolve(WORKER_TOKENS.Handlers).stepNames();
  const reconciler = new ReconcileLoop(
    built.container.resolve(TOKENS.Store),
    built.container.resolve(TOKENS.Clock),
    log.child({ component: 'reconciler' }),
    {
      intervalMs: overrides.reconcile === false ? 0 : config.reconcileIntervalMs,
      owner: `worker-${config.workerId}`,
    },
  );
  const observability = built.container.resolve(WORKER_TOKENS.Observability);
  try {
    await observability?.listen();
  } catch (error) {
    await built.dispose();
    throw error;
  }
  engine.start();
  reconciler.start();
  log.info(
    {
      concurrency: config.concurrency,
      leaseMs: config.leaseMs,
      database: config.database.display,
      steps: stepNames.length,
    },
    'worker started',
  );
  let stopping: Promise<StopReport> | null = null;
  const store = built.container.resolve(TOKENS.Store);
  return {
    workerId: config.workerId,
    stepNames,
    log,
    ping: () => store.ping(),
    stop: () =>
      (stopping ??= (async () => {
        const [report] = await Promise.all([engine.stop(), reconciler.stop()]);
        await observability?.close();
        await built.dispose();
        log.info('worker stopped');
        return report;
      })()),
  };
}
