import 'reflect-metadata';
import type { WorkflowCatalog } from '@steptrail/domain';
import {
  EventIngestion,
  LegacyMigration,
  PipelineSteps,
  StatusQueries,
  StepTracker,
  WorkClaims,
  type Clock,
  type Store,
} from '@steptrail/domain';
import {
  container as rootContainer,
  instanceCachingFactory,
  type DependencyContainer,
  type InjectionToken,
} from 'tsyringe';

/** Typed tokens for what every app registers; apps add their own next to these. */
export const TOKENS = {
  Store: Symbol('Store') as InjectionToken<Store>,
  Clock: Symbol('Clock') as InjectionToken<Clock>,
  Workflows: Symbol('Workflows') as InjectionToken<WorkflowCatalog>,
  StepTracker: Symbol('StepTracker') as InjectionToken<StepTracker>,
  StatusQueries: Symbol('StatusQueries') as InjectionToken<StatusQueries>,
  LegacyMigration: Symbol('LegacyMigration') as InjectionToken<LegacyMigration>,
  WorkClaims: Symbol('WorkClaims') as InjectionToken<WorkClaims>,
  PipelineSteps: Symbol('PipelineSteps') as InjectionToken<PipelineSteps>,
  EventIngestion: Symbol('EventIngestion') as InjectionToken<EventIngestion>,
} as const;

export interface CoreParts {
  store: Store;
  clock: Clock;
  workflows: WorkflowCatalog;
  /** How old the per-status counts of list pages may be (0: counted on every request). */
  countsMaxAgeMs?: number;
}

/** A fresh container (one per app start, one per test) with the store and the domain use-cases registered. */
export function createCoreContainer(parts: CoreParts): DependencyContainer {
  const container = rootContainer.createChildContainer();
  container.register(TOKENS.Store, { useValue: parts.store });
  container.register(TOKENS.Clock, { useValue: parts.clock });
  container.register(TOKENS.Workflows, { useValue: parts.workflows });
  const store = (c: DependencyContainer) => c.resolve(TOKENS.Store);
  const clock = (c: DependencyContainer) => c.resolve(TOKENS.Clock);
  container.register(TOKENS.StepTracker, {
    useFactory: instanceCachingFactory(
      (c) => new StepTracker({ unitOfWork: store(c).unitOfWork, clock: clock(c) }),
    ),
  });
  container.register(TOKENS.StatusQueries, {
    useFactory: instanceCachingFactory(
      (c) =>
        new StatusQueries(store(c).reads, { clock: clock(c), countsMaxAgeMs: parts.countsMaxAgeMs ?? 0 }),
    ),
  });
  container.register(TOKENS.LegacyMigration, {
    useFactory: instanceCachingFactory(
      (c) =>
        new LegacyMigration({
          unitOfWork: store(c).unitOfWork,
          reads: store(c).reads,
          clock: clock(c),
          concurrentWriters: store(c).capabilities.concurrentWriters,
        }),
    ),
  });
  container.register(TOKENS.WorkClaims, {
    useFactory: instanceCachingFactory(
      (c) => new WorkClaims({ unitOfWork: store(c).unitOfWork, clock: clock(c) }),
    ),
  });
  container.register(TOKENS.PipelineSteps, {
    useFactory: instanceCachingFactory(
      (c) => new PipelineSteps({ unitOfWork: store(c).unitOfWork, clock: clock(c) }),
    ),
  });
  container.register(TOKENS.EventIngestion, {
    useFactory: instanceCachingFactory(
      (c) => new EventIngestion({ unitOfWork: store(c).unitOfWork, clock: clock(c) }),
    ),
  });
  return container;
}
