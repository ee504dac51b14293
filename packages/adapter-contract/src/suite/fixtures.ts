import {
  DEFAULT_WORKFLOW,
  defineWorkflow,
  EventIngestion,
  LegacyMigration,
  PipelineSteps,
  StatusQueries,
  StepTracker,
  WorkClaims,
  type Clock,
  type NewFile,
  type Store,
  type Workflow,
} from '@steptrail/domain';

/**
 * Base instants. Tests that query the whole database by time (runnable steps, expired leases) run at their own
 * epoch, years away from the others, so rows other tests leave behind never fall into their window.
 */
export const EPOCH = {
  main: Date.UTC(2025, 2, 1, 12, 0, 0),
  queue: Date.UTC(2003, 5, 1, 12, 0, 0),
  leases: Date.UTC(2004, 5, 1, 12, 0, 0),
  recovery: Date.UTC(2005, 5, 1, 12, 0, 0),
  // Before every other epoch: recovering expired leases at these times touches no other test's leases.
  batches: Date.UTC(2001, 5, 1, 12, 0, 0),
  // Before every other epoch too: retention deletes what is older than a cutoff here, and only this test's rows are.
  retention: Date.UTC(1990, 5, 1, 12, 0, 0),
  // Before every other epoch: the stall sweep fails silent steps older than a window here, and only this test's are.
  stalls: Date.UTC(1980, 5, 1, 12, 0, 0),
} as const;

/** The instant `seconds` after `epoch` (the main epoch by default). */
export const at = (seconds: number, epoch: number = EPOCH.main): Date =>
  new Date(epoch + Math.round(seconds * 1000));

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date = at(0)) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(instant: Date): void {
    this.current = instant.getTime();
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

let sequence = 0;

/** A tag no other test (or earlier run on the same database) uses: lower-case, valid inside step names. */
export function uniqueTag(): string {
  sequence += 1;
  return `t${Date.now().toString(36)}${sequence.toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}

/** A new file whose hash and name carry `tag`, so searches and look-ups find only this test's files. */
export function newFile(tag: string, overrides: Partial<NewFile> = {}): NewFile {
  return {
    filehash: `hash-${tag}`,
    originalFilename: `${tag}-invoice.pdf`,
    localFilename: `/data/${tag}.pdf`,
    fileSize: 2048,
    mimeType: 'application/pdf',
    workflow: DEFAULT_WORKFLOW,
    managed: false,
    ...overrides,
  };
}

/** A workflow the test knows to be valid. */
export function workflowOf(name: string, steps: readonly string[]): Workflow {
  const result = defineWorkflow(name, steps);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** Unwraps a Result in a test, failing loudly with its error. */
export function unwrap<T>(result: Outcome<T>): T {
  if (!result.ok) throw new Error(`Expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** The error code of a Result that must have failed. */
export function errorCode<T>(result: Outcome<T>): string {
  if (result.ok) throw new Error(`Expected an error, got ${JSON.stringify(result.value)}`);
  return result.error.code;
}

/** Every use-case wired to one store and one clock. */
export function useCases(store: Store, clock: Clock) {
  const deps = { unitOfWork: store.unitOfWork, clock };
  return {
    tracker: new StepTracker(deps),
    claims: new WorkClaims(deps),
    pipeline: new PipelineSteps(deps),
    migration: new LegacyMigration({
      ...deps,
      reads: store.reads,
      concurrentWriters: store.capabilities.concurrentWriters,
    }),
    queries: new StatusQueries(store.reads),
    ingestion: new EventIngestion(deps),
  };
}

/** The id of the newest file: rows a test plants afterwards have higher ids. */
export async function newestFileId(store: Store): Promise<number> {
  const page = await store.reads.files.list({ limit: 1 });
  return page.items[0]?.id ?? 0;
}
