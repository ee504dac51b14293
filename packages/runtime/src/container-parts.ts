import 'reflect-metadata';
import type { WorkflowCatalog } from '@steptrail/domain';
import {
  EventIngestion,
  DEFAULT_STALL_POLICY,
  LegacyMigration,
  StallWatch,
  type StallPolicy,
  PipelineSteps,
  StatusQueries,
  StepTracker,
  WorkClaims,
  observedUnitOfWork,
  type Clock,
  type StepObserver,
  type Store,
  type UnitOfWork,
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
  StallWatch: Symbol('StallWatch') as InjectionToken<StallWatch>,
} as const;

export interface CoreParts {
  store: Store;
  clock: Clock;
  workflows: WorkflowCatalog;
  /** How old the per-status counts of list pages may be (0: counted on every request). */
  countsMaxAgeMs?: number;
  /** Stall windows and the unclaimed threshold (docs/architecture.md#stalls); the defaults when absent. */
  stallPolicy?: StallPolicy;
  /** Told about every step change the use-cases commit (metrics); none when absent. */
  observer?: StepObserver;
}

/** A fresh container (one per app start, one per test) with the store and the domain use-cases registered. */
export function createCoreContainer(parts: CoreParts): DependencyContainer {
  const container = rootContainer.createChildContainer();
  container.register(TOKENS.Store, { useValue: parts.store });
  container.register(TOKENS.Clock, { useValue: parts.clock });
  container.register(TOKENS.Workflows, { useValue: parts.workflows });
  const store = (c: DependencyContainer) => c.resolve(TOKENS.Store);
  const clock = (c: DependencyContainer) => c.resolve(TOKENS.Clock);
  // Every use-case writes through one observed unit of work, so metrics see each committed change once.
  let observed: UnitOfWork | null = null;
  const unitOfWork = (c: DependencyContainer): UnitOfWork => {
    const inner = store(c).unitOfWork;
    if (parts.observer === undefined) return inner;
    return (observed ??= observedUnitOfWork(inner, parts.observer));
  };
  container.register(TOKENS.StepTracker, {
    useFactory: instanceCachingFactory(
      (c) => new StepTracker({ unitOfWork: unitOfWork(c), clock: clock(c) }),
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
          unitOfWork: unitOfWork(c),
          reads: store(c).reads,
          clock: clock(c),
          concurrentWriters: store(c).capabilities.concurrentWriters,
        }),
    ),
  });
  container.register(TOKENS.WorkClaims, {
    useFactory: instanceCachingFactory((c) => new WorkClaims({ unitOfWork: unitOfWork(c), clock: clock(c) })),
  });
  container.register(TOKENS.PipelineSteps, {
    useFactory: instanceCachingFactory(
      (c) => new PipelineSteps({ unitOfWork: unitOfWork(c), clock: clock(c) }),
    ),
  });
  container.register(TOKENS.EventIngestion, {
    useFactory: instanceCachingFactory(
      (c) => new EventIngestion({ unitOfWork: unitOfWork(c), clock: clock(c) }),
    ),
  });
  container.register(TOKENS.StallWatch, {
    useFactory: instanceCachingFactory(
      (c) =>
        new StallWatch({
          unitOfWork: unitOfWork(c),
          reads: store(c).reads,
          clock: clock(c),
          policy: parts.stallPolicy ?? DEFAULT_STALL_POLICY,
        }),
    ),
  });
  return container;
}
