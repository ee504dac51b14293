import {
  DEFAULT_WORKFLOW,
  LegacyMigration,
  PipelineSteps,
  computeOverallStatus,
  defineWorkflow,
  initialState,
  StatusQueries,
  StepTracker,
  WorkClaims,
  type Clock,
  type FileRecord,
  type FileRollup,
  type LogEntry,
  type NewFile,
  type StepEvent,
  type StepStatus,
  type StoredStep,
  type Workflow,
} from '../../src/index.js';
import { MemoryStore } from '../../src/memory/index.js';

export const BASE_TIME = Date.UTC(2024, 0, 1, 12, 0, 0);

/** The instant `seconds` after the base time of every test. */
export const at = (seconds: number): Date => new Date(BASE_TIME + seconds * 1000);

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

export function stepEvent(
  status: StepStatus,
  seconds: number,
  id: number,
  texts: { message?: string | null; detail?: string | null } = {},
): StepEvent {
  return {
    status,
    occurredAt: at(seconds),
    id,
    message: texts.message ?? null,
    detail: texts.detail ?? null,
  };
}

export function logEntry(fields: Partial<LogEntry> & { id: number }): LogEntry {
  return {
    fileId: 1,
    taskId: null,
    stepName: 'hash_file',
    status: 'success',
    message: null,
    detail: null,
    occurredAt: at(fields.id),
    ...fields,
  };
}

export function newFile(overrides: Partial<NewFile> = {}): NewFile {
  return {
    filehash: 'hash-1',
    originalFilename: 'invoice.pdf',
    localFilename: '/data/invoice.pdf',
    fileSize: 1024,
    mimeType: 'application/pdf',
    workflow: DEFAULT_WORKFLOW,
    managed: false,
    ...overrides,
  };
}

/** A memory store with every use-case wired to one manual clock. */
export function setup() {
  const store = new MemoryStore();
  const clock = new ManualClock();
  const deps = { unitOfWork: store.unitOfWork, clock };
  return {
    store,
    clock,
    tracker: new StepTracker(deps),
    queries: new StatusQueries(store.reads),
    migration: new LegacyMigration({ ...deps, reads: store.reads }),
    claims: new WorkClaims(deps),
    pipeline: new PipelineSteps(deps),
  };
}

/** Unwraps a Result in a test, failing loudly with its error. */
export function unwrap<T>(
  result: { ok: true; value: T } | { ok: false; error: { code: string; message: string } },
): T {
  if (!result.ok) throw new Error(`Expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** Everything the store holds, for "storage unchanged" assertions. */
export async function snapshot(store: MemoryStore) {
  const files = await store.reads.files.listAfter(0, 1000);
  const ids = files.map((file) => file.id);
  return {
    files,
    steps: await store.reads.steps.listForFiles(ids),
    logs: await store.reads.logs.listSince(0, 10_000),
  };
}

/** A workflow the test knows to be valid. */
export function workflowOf(name: string, steps: readonly string[]): Workflow {
  const result = defineWorkflow(name, steps);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** A step row as the status rules see it. */
export const row = (stepName: string, status: string, attempts = 0) => ({ stepName, status, attempts });

/** Every main step of the default workflow in one status. */
export const allDefaultSteps = (status: string) => DEFAULT_WORKFLOW.steps.map((name) => row(name, status));

/** A stored step row; defaults to a blank pending row. */
export function storedStep(fileId: number, stepName: string, state: Partial<StoredStep> = {}): StoredStep {
  return {
    ...initialState(),
    fileId,
    stepName,
    runAfter: null,
    leaseOwner: null,
    leaseExpiresAt: null,
    createdAt: at(0),
    updatedAt: at(0),
    ...state,
  };
}

/** A file record whose rollup matches its steps, unless `rollup` overrides part of it. */
export function fileRecord(
  steps: readonly StoredStep[],
  overrides: Partial<Omit<FileRecord, 'rollup'>> & { rollup?: Partial<FileRollup> } = {},
): FileRecord {
  const { rollup, ...fields } = overrides;
  const base = {
    ...newFile(),
    id: 1,
    isDuplicate: false,
    duplicateOfId: null,
    createdAt: at(0),
    updatedAt: at(0),
    ...fields,
  };
  const overall = computeOverallStatus({
    isDuplicate: base.isDuplicate,
    managed: base.managed,
    workflow: base.workflow,
    steps,
  });
  return { ...base, rollup: { ...overall, lastStep: null, statusChangedAt: null, ...rollup } };
}
