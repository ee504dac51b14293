import { BulkOperations, OperationsInsights, systemClock, type Clock, type Store } from '@steptrail/domain';
import {
  TOKENS,
  cannotOpenDatabase,
  createCoreContainer,
  openStore,
  ReconcileLoop,
  StallSweeper,
  type DestinationStream,
  type Logger,
} from '@steptrail/runtime';
import { createLogger } from '@steptrail/runtime/logger';
import { instanceCachingFactory, type DependencyContainer, type InjectionToken } from 'tsyringe';
import { BulkRunner } from './bulk/bulk-runner.js';
import type { ApiConfig } from './config.js';
import { ApiServer } from './http/api-server.js';
import { createApp } from './http/create-app.js';
import { ApiMetrics } from './http/metrics/api-metrics.js';
import type { RouteDeps } from './http/routes/route-deps.js';
import { LiveEvents } from './http/sse/live-events.js';
import { ContentStore } from './http/uploads/content-store.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';

/** The API's own tokens, next to the runtime's TOKENS. */
export const API = {
  Config: Symbol('ApiConfig') as InjectionToken<ApiConfig>,
  Logger: Symbol('Logger') as InjectionToken<Logger>,
  Metrics: Symbol('ApiMetrics') as InjectionToken<ApiMetrics>,
  LiveEvents: Symbol('LiveEvents') as InjectionToken<LiveEvents>,
  ContentStore: Symbol('ContentStore') as InjectionToken<ContentStore>,
  BulkOperations: Symbol('BulkOperations') as InjectionToken<BulkOperations>,
  BulkRunner: Symbol('BulkRunner') as InjectionToken<BulkRunner>,
  RouteDeps: Symbol('RouteDeps') as InjectionToken<RouteDeps>,
  Server: Symbol('ApiServer') as InjectionToken<ApiServer>,
  Reconciler: Symbol('ReconcileLoop') as InjectionToken<ReconcileLoop>,
  Webhooks: Symbol('WebhookDispatcher') as InjectionToken<WebhookDispatcher>,
} as const;

export interface ApiContainerOptions {
  /** A store to use instead of opening the one DATABASE_URL names (tests pass the in-memory store). */
  store?: Store;
  clock?: Clock;
  /** Where JSON logs go instead of stdout. */
  logDestination?: DestinationStream;
  /** A logger to write through instead of a new one (the all-in-one app shares one between its parts). */
  logger?: Logger;
}

/**
 * The composition root: a fresh container from validated config. Only this file knows which adapter runs and how
 * the parts are wired; a new container per process start and per test.
 */
export async function buildApiContainer(
  config: ApiConfig,
  options: ApiContainerOptions = {},
): Promise<DependencyContainer> {
  const clock = options.clock ?? systemClock;
  const store =
    options.store ??
    (await openStore(config.database, {
      clock,
      ...(config.poolSize === undefined ? {} : { poolSize: config.poolSize }),
    }).catch((error: unknown) => {
      throw cannotOpenDatabase(config.database, error);
    }));
  // Built before the use-cases: its step metrics observe every change they commit (docs/architecture.md#metrics).
  const metrics = new ApiMetrics(
    () => store.reads.files.countByStatus(),
    () => store.reads.stalls.countActive(clock.now()),
  );
  const container = createCoreContainer({
    store,
    clock,
    observer: metrics.steps,
    workflows: config.workflows,
    countsMaxAgeMs: config.countsMaxAgeMs,
    stallPolicy: config.stall.policy,
  });
  const logger =
    options.logger ??
    createLogger({
      level: config.logLevel,
      service: 'steptrail-api',
      ...(options.logDestination === undefined ? {} : { destination: options.logDestination }),
    });
  container.register(API.Config, { useValue: config });
  container.register(API.Logger, { useValue: logger });
  container.register(API.Metrics, { useValue: metrics });
  container.register(API.LiveEvents, {
    useFactory: instanceCachingFactory(
      (c) =>
        new LiveEvents(c.resolve(TOKENS.Store), config.events, logger.child({ component: 'live-events' })),
    ),
  });
  container.register(API.ContentStore, {
    useFactory: instanceCachingFactory(() => new ContentStore(config.storageDir)),
  });
  container.register(API.BulkOperations, {
    useFactory: instanceCachingFactory((c) => {
      const store = c.resolve(TOKENS.Store);
      return new BulkOperations({
        unitOfWork: store.unitOfWork,
        reads: store.reads,
        clock: c.resolve(TOKENS.Clock),
      });
    }),
  });
  container.register(API.BulkRunner, {
    useFactory: instanceCachingFactory((c) => {
      const live = c.resolve(API.LiveEvents);
      return new BulkRunner(
        c.resolve(API.BulkOperations),
        config.bulk,
        logger.child({ component: 'bulk' }),
        () => live.changed(),
      );
    }),
  });
  container.register(API.RouteDeps, {
    useFactory: instanceCachingFactory((c): RouteDeps => ({
      config,
      store: c.resolve(TOKENS.Store),
      tracker: c.resolve(TOKENS.StepTracker),
      ingestion: c.resolve(TOKENS.EventIngestion),
      queries: c.resolve(TOKENS.StatusQueries),
      insights: new OperationsInsights(c.resolve(TOKENS.Store).reads),
      clock: c.resolve(TOKENS.Clock),
      bulk: c.resolve(API.BulkOperations),
      bulkRunner: c.resolve(API.BulkRunner),
      workflows: c.resolve(TOKENS.Workflows),
      live: c.resolve(API.LiveEvents),
      metrics: c.resolve(API.Metrics),
      content: c.resolve(API.ContentStore),
      stalls: c.resolve(TOKENS.StallWatch),
    })),
  });
  container.register(API.Reconciler, {
    useFactory: instanceCachingFactory(
      (c) =>
        new ReconcileLoop(c.resolve(TOKENS.Store), clock, logger.child({ component: 'reconciler' }), {
          intervalMs: config.reconcileIntervalMs,
          owner: 'api',
        }),
    ),
  });
  container.register(API.Webhooks, {
    useFactory: instanceCachingFactory(
      (c) =>
        new WebhookDispatcher(
          c.resolve(TOKENS.Store),
          clock,
          logger.child({ component: 'webhooks' }),
          config.webhooks,
          c.resolve(API.Metrics).webhooks,
        ),
    ),
  });
  container.register(API.Server, {
    useFactory: instanceCachingFactory(
      (c) =>
        new ApiServer({
          app: createApp(c.resolve(API.RouteDeps), logger),
          store: c.resolve(TOKENS.Store),
          live: c.resolve(API.LiveEvents),
          reconciler: c.resolve(API.Reconciler),
          bulk: c.resolve(API.BulkRunner),
          webhooks: c.resolve(API.Webhooks),
          log: logger,
          host: config.host,
          port: config.port,
          shutdownTimeoutMs: config.shutdownTimeoutMs,
          requestTimeouts: config.requestTimeouts,
          sweeper: new StallSweeper(
            c.resolve(TOKENS.StallWatch),
            config.stall.sweepIntervalMs,
            logger.child({ component: 'stall-sweep' }),
          ),
        }),
    ),
  });
  return container;
}
