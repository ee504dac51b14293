import 'reflect-metadata';
import { API, buildApiContainer } from '@steptrail/api';
import { TOKENS, type DestinationStream, type Logger } from '@steptrail/runtime';
import { createLogger } from '@steptrail/runtime/logger';
import type { RunningWorker } from '@steptrail/worker';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import type { StandaloneConfig } from './config.js';

/** Starts the in-process worker on the API's store; resolves null when START_WORKER is off. */
export interface WorkerLauncher {
  start(): Promise<RunningWorker | null>;
}

/** The all-in-one app's own tokens, next to the API's (API) and the runtime's (TOKENS). */
export const STANDALONE = {
  Config: Symbol('StandaloneConfig') as InjectionToken<StandaloneConfig>,
  Logger: Symbol('StandaloneLogger') as InjectionToken<Logger>,
  Worker: Symbol('WorkerLauncher') as InjectionToken<WorkerLauncher>,
} as const;

export interface StandaloneOptions {
  /** Where JSON logs go instead of stdout. */
  logDestination?: DestinationStream;
}

/**
 * The composition root of the all-in-one process: the API's container with the worker beside it. Both parts share
 * one store (one writer connection per process, which SQLite needs, and one work signal) and one logger, so the
 * process writes one log format; `app` says which part wrote a line.
 */
export async function buildStandaloneContainer(
  config: StandaloneConfig,
  options: StandaloneOptions = {},
): Promise<DependencyContainer> {
  const logger = createLogger({
    level: config.api.logLevel,
    service: 'steptrail',
    ...(options.logDestination === undefined ? {} : { destination: options.logDestination }),
  });
  const container = (
    await buildApiContainer(config.api, { logger: logger.child({ app: 'api' }) })
  ).createChildContainer();
  const worker = config.worker;
  container.register(STANDALONE.Config, { useValue: config });
  container.register(STANDALONE.Logger, { useValue: logger });
  container.register(STANDALONE.Worker, {
    useValue: {
      start: async () => {
        if (worker === null) return null;
        const { startWorker } = await import('@steptrail/worker');
        return startWorker(worker, {
          store: container.resolve(TOKENS.Store),
          logger: logger.child({ app: 'worker' }),
          // The API part runs the rollup reconciler of this process.
          reconcile: false,
          // The API's /metrics serves the worker's step metrics too (docs/architecture.md#metrics).
          observer: container.resolve(API.Metrics).steps,
        });
      },
    },
  });
  return container;
}
