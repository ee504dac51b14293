import 'reflect-metadata';
import { WorkflowCatalog, systemClock, type Clock, type StepObserver, type Store } from '@steptrail/domain';
import {
  ConfigError,
  TOKENS,
  cannotOpenDatabase,
  createCoreContainer,
  openStore,
  type Logger,
} from '@steptrail/runtime';
import { createLogger } from '@steptrail/runtime/logger';
import { StepMetrics } from '@steptrail/runtime/metrics';
import { instanceCachingFactory, type DependencyContainer, type InjectionToken } from 'tsyringe';
import type { WorkerConfig } from './config.js';
import { ObservabilityServer } from './observability/observability-server.js';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { DocumentProcessor } from './documents/limits/document-processor.js';
import { TesseractOcr } from './documents/ocr.js';
import { OpenAiExtractor } from './documents/openai-extractor.js';
import { createDestination } from './destinations/create-destination.js';
import type { Destination } from './destinations/destination.js';
import { WorkerEngine } from './engine/worker-engine.js';
import { retryPolicy, type RetryPolicy } from './engine/retry-policy.js';
import { OUTCOME_LINGER_MS, OutcomeRecorder } from './engine/outcome-recorder.js';
import { StepRunner } from './engine/step-runner.js';
import { HandlerRegistry, type BoundHandlers } from './handlers/handler-registry.js';
import { loadPlugins, type RegisterHandlers } from './handlers/plugins.js';
import { registerDefaultHandlers } from './steps/default-handlers.js';
import { metadataExtractor } from './steps/extract-metadata.js';

export const WORKER_TOKENS = {
  Config: Symbol('WorkerConfig') as InjectionToken<WorkerConfig>,
  Logger: Symbol('Logger') as InjectionToken<Logger>,
  Destinations: Symbol('Destinations') as InjectionToken<readonly Destination[]>,
  Handlers: Symbol('Handlers') as InjectionToken<BoundHandlers>,
  RetryPolicy: Symbol('RetryPolicy') as InjectionToken<RetryPolicy>,
  Outcomes: Symbol('OutcomeRecorder') as InjectionToken<OutcomeRecorder>,
  StepRunner: Symbol('StepRunner') as InjectionToken<StepRunner>,
  Engine: Symbol('WorkerEngine') as InjectionToken<WorkerEngine>,
  /** Its own metrics port; null when the process's observer came from outside (the all-in-one app). */
  Observability: Symbol('ObservabilityServer') as InjectionToken<ObservabilityServer | null>,
} as const;

/** What a caller (the API's in-process worker, tests, the benchmark) may supply instead of the defaults. */
export interface WorkerOverrides {
  /** An open store to share (the all-in-one app's, in one process); the worker then neither opens nor closes one. */
  store?: Store;
  clock?: Clock;
  /** The process's logger (the all-in-one app shares one); each line then also carries the worker id. */
  logger?: Logger;
  /** Destinations beyond the configured DESTINATIONS (programmatic ones, test doubles). */
  destinations?: readonly Destination[];
  /** Registers handlers after the built-in ones and the plugins; may replace them. */
  register?: RegisterHandlers;
  /** False leaves out the default workflow's handlers (a worker for custom steps only). */
  builtInHandlers?: boolean;
  /** False runs no rollup reconciler here (the all-in-one app's API part runs it). */
  reconcile?: boolean;
  /**
   * The step metrics of the process the worker runs in (the all-in-one app's API serves them); without it the
   * worker keeps its own and serves them on its own port (docs/architecture.md#metrics).
   */
  observer?: StepObserver;
}

export interface BuiltWorker {
  container: DependencyContainer;
  /** Closes what the container opened: destinations, and the store unless it was supplied. */
  dispose(): Promise<void>;
}

/** The worker's composition root: a fresh container per call, the adapter chosen by config.database. */
export async function buildWorkerContainer(
  config: WorkerConfig,
  overrides: WorkerOverrides = {},
): Promise<BuiltWorker> {
  const clock = overrides.clock ?? systemClock;
  const logger = (
    overrides.logger ?? createLogger({ level: config.logLevel, service: 'steptrail-worker' })
  ).child({ workerId: config.workerId });
  const destinations = [
    ...(await Promise.all(config.destinations.map(createDestination))),
    ...(overrides.destinations ?? []),
  ];
  const documents = new DocumentProcessor(config.documents);
  const handlers = await buildHandlers(config, destinations, documents, overrides);
  const store =
    overrides.store ??
    (await openStore(config.database, { clock, poolSize: config.concurrency + 4 }).catch((error: unknown) => {
      throw cannotOpenDatabase(config.database, error);
    }));
  const own = overrides.observer === undefined ? new Registry() : null;
  if (own !== null) collectDefaultMetrics({ register: own, prefix: 'steptrail_worker_' });
  const observer =
    overrides.observer ??
    new StepMetrics(own ?? new Registry(), () => store.reads.stalls.countActive(clock.now()));
  const container = createCoreContainer({ store, clock, workflows: WorkflowCatalog.defaults(), observer });
  const observability =
    own === null
      ? null
      : new ObservabilityServer({
          registry: own,
          store,
          log: logger.child({ component: 'observability' }),
          ...config.observability,
        });
  // A factory, not useValue: tsyringe takes a null useValue for a class to construct and throws.
  container.register(WORKER_TOKENS.Observability, { useFactory: () => observability });
  container.register(WORKER_TOKENS.Config, { useValue: config });
  container.register(WORKER_TOKENS.Logger, { useValue: logger });
  container.register(WORKER_TOKENS.Destinations, { useValue: destinations });
  container.register(WORKER_TOKENS.Handlers, { useValue: handlers });
  container.register(WORKER_TOKENS.RetryPolicy, {
    useValue: retryPolicy({
      backoff: { baseMs: config.retryBaseMs, maxMs: config.retryMaxMs },
      maxAttempts: config.maxAttempts,
      maxAttemptsByStep: config.maxAttemptsByStep,
    }),
  });
  container.register(WORKER_TOKENS.Outcomes, {
    useFactory: instanceCachingFactory(
      (c) =>
        new OutcomeRecorder({
          claims: c.resolve(TOKENS.WorkClaims),
          workerId: config.workerId,
          lingerMs: OUTCOME_LINGER_MS,
          maxBatch: config.concurrency,
        }),
    ),
  });
  container.register(WORKER_TOKENS.StepRunner, {
    useFactory: instanceCachingFactory((c) => stepRunner(c, config)),
  });
  container.register(WORKER_TOKENS.Engine, { useFactory: instanceCachingFactory((c) => engine(c, config)) });
  return {
    container,
    dispose: async () => {
      documents.close();
      await Promise.all(destinations.map(async (destination) => destination.close?.()));
      if (overrides.store === undefined) await store.close();
    },
  };
}

async function buildHandlers(
  config: WorkerConfig,
  destinations: readonly Destination[],
  documents: DocumentProcessor,
  overrides: WorkerOverrides,
): Promise<BoundHandlers> {
  const registry = new HandlerRegistry();
  if (overrides.builtInHandlers !== false) {
    registerDefaultHandlers(registry, {
      ocr: new TesseractOcr(config.ocr, config.documents),
      documents,
      extractor: metadataExtractor(config.openai === null ? null : new OpenAiExtractor(config.openai)),
      processedDir: config.processedDir,
      destinations,
    });
  }
  await loadPlugins(config.plugins, registry);
  await overrides.register?.(registry);
  const bound = registry.bind(config.stepConfig);
  if (!bound.ok) throw new ConfigError(bound.problems);
  return bound.handlers;
}

function stepRunner(c: DependencyContainer, config: WorkerConfig): StepRunner {
  return new StepRunner({
    store: c.resolve(TOKENS.Store),
    outcomes: c.resolve(WORKER_TOKENS.Outcomes),
    tracker: c.resolve(TOKENS.StepTracker),
    pipelineSteps: c.resolve(TOKENS.PipelineSteps),
    handlers: c.resolve(WORKER_TOKENS.Handlers),
    retry: c.resolve(WORKER_TOKENS.RetryPolicy),
    clock: c.resolve(TOKENS.Clock),
    log: c.resolve(WORKER_TOKENS.Logger),
    workerId: config.workerId,
    storageDir: config.storageDir,
    workDir: config.workDir,
    scratchDir: config.scratchDir,
    stepTimeoutMs: config.stepTimeoutMs,
  });
}

function engine(c: DependencyContainer, config: WorkerConfig): WorkerEngine {
  const store = c.resolve(TOKENS.Store);
  const retry = c.resolve(WORKER_TOKENS.RetryPolicy);
  return new WorkerEngine(
    {
      claims: c.resolve(TOKENS.WorkClaims),
      workSignal: store.workSignal,
      runner: c.resolve(WORKER_TOKENS.StepRunner),
      outcomes: c.resolve(WORKER_TOKENS.Outcomes),
      log: c.resolve(WORKER_TOKENS.Logger),
    },
    {
      workerId: config.workerId,
      concurrency: config.concurrency,
      claimBatchSize: config.claimBatchSize,
      leaseMs: config.leaseMs,
      heartbeatMs: config.heartbeatMs,
      reaperIntervalMs: config.reaperIntervalMs,
      // With push notifications the wait only guards against a missed wake-up and delayed retries coming due.
      idleWaitMs: store.capabilities.pushNotifications
        ? Math.max(config.pollIntervalMs, 1_000)
        : config.pollIntervalMs,
      shutdownGraceMs: config.shutdownGraceMs,
      stepNames: c.resolve(WORKER_TOKENS.Handlers).stepNames(),
      maxAttempts: (stepName) => retry.maxAttempts(stepName),
    },
  );
}
