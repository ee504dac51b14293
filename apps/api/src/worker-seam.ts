import type { Logger } from './logging/logger.js';

/**
 * SEAM for `pnpm start`: apps/worker (@steptrail/worker) is built separately. When it is installed as a dependency
 * of this package and exports `startWorker(): Promise<{ stop(): Promise<void> }>` (the worker reads its own
 * configuration from the same environment), `start.ts` runs it in this process; otherwise only the API runs.
 * To wire it: add "@steptrail/worker": "workspace:*" to apps/api/package.json dependencies.
 */
const WORKER_PACKAGE: string = '@steptrail/worker';

export interface InProcessWorker {
  stop(): Promise<void>;
}

const isWorker = (value: unknown): value is InProcessWorker =>
  typeof value === 'object' && value !== null && 'stop' in value && typeof value.stop === 'function';

const isModuleNotFound = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && error.code === 'ERR_MODULE_NOT_FOUND' &&
  'message' in error && typeof error.message === 'string' && error.message.includes(WORKER_PACKAGE);

export async function startWorkerIfInstalled(log: Logger): Promise<InProcessWorker | null> {
  let module: unknown;
  try {
    module = await import(WORKER_PACKAGE);
  } catch (error) {
    if (!isModuleNotFound(error)) throw error;
    log.info(`${WORKER_PACKAGE} is not installed: running the API only`);
    return null;
  }
  const start = typeof module === 'object' && module !== null && 'startWorker' in module ? module.startWorker : undefined;
  if (typeof start !== 'function') {
    log.warn(`${WORKER_PACKAGE} exports no startWorker(); running the API only`);
    return null;
  }
  const worker: unknown = await start();
  if (!isWorker(worker)) throw new Error(`${WORKER_PACKAGE}'s startWorker() did not return { stop() }`);
  log.info('worker running in this process');
  return worker;
}
