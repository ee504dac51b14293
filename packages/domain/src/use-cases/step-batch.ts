import { reconstructStep } from '../events/reconstruct.js';
import { appliesInOrder, evolve, type FoldedStep } from '../events/step-state.fold.js';
import { compareEvents, toStepEvent, type LogEntry } from '../events/step-event.js';
import {
  blankStep,
  nextRollup,
  type FileRecord,
  type FileRollup,
  type StoredStep,
} from '../files/file-record.js';
import { stepKey } from '../files/step-key.js';
import type { StepWrite } from '../ports/step-repository.js';
import type { ChangeCause } from '../ports/step-observer.js';
import type { Repositories } from '../ports/unit-of-work.js';
import type { StepRef } from '../ports/work-queue.js';
import { isStepStatus, type StepStatus } from '../status/step-status.js';
import type { OverallStatus } from '../status/step-status.js';
import { nextWorkflowStep } from '../workflow/workflow.js';
import { enqueueWebhooks } from '../webhooks/webhook-outbox.js';
import { fileStatusEvent, stepChangeEvents, type WebhookEvent } from '../webhooks/webhook-events.js';

export interface StepChange {
  /**
   * Internal events (claims, retries, lease recovery) pass true: their time is raised to the step's last event
   * time when that lies ahead of the clock, so they always sort after what they react to.
   */
  afterLastEvent?: boolean;
  fileId: number;
  stepName: string;
  status: StepStatus;
  occurredAt: Date;
  message: string | null;
  detail: string | null;
  taskId: string | null;
  /** Why an internal event was written, for metrics (docs/architecture.md#metrics). */
  cause?: ChangeCause;
}

export interface AppliedEvent {
  log: LogEntry;
  step: FoldedStep;
  /** True when the step was rebuilt from its logs: a late event, or a row the fold had not written before. */
  refolded: boolean;
  rollup: FileRollup;
  /** The workflow step made runnable by this event, if any. */
  scheduled: string | null;
}

/**
 * Log rows get their ids when the batch is written. Until then an event carries a placeholder above every real id,
 * in batch order: the file is locked, so the rows inserted at flush get ids above every log already stored for
 * its steps, in the same order, and the fold's ordering decisions come out as with the real ids.
 */
const UNSAVED_ID = 2 ** 52;

interface RowState {
  row: StoredStep;
  /** The batch set or dropped the lease (otherwise an in_progress row keeps the stored one). */
  leaseChanged: boolean;
}

/**
 * The step rows of some locked files, changed in memory event by event with the same rules as applying each event
 * on its own (fold, rollup, next workflow step), then written with a handful of set-based statements: one log
 * insert, one step upsert, one rollup update. Callers run it inside one transaction, on files they locked
 * (docs/architecture.md#step-changes).
 */
export class StepBatch {
  private readonly rows = new Map<number, StoredStep[]>();
  private readonly dirty = new Map<StoredStep, RowState>();
  private readonly dirtyFiles = new Set<number>();
  private unsaved: LogEntry[] = [];
  private readonly storedLogs = new Map<string, LogEntry[]>();
  private applied: AppliedEvent[] = [];
  private announce = false;
  /** Each file's status as last written, and the step events since: the webhooks' outbox (#webhooks). */
  private readonly writtenStatus = new Map<number, OverallStatus>();
  private stepEvents: WebhookEvent[] = [];

  private constructor(
    private readonly repos: Repositories,
    private readonly files: ReadonlyMap<number, FileRecord>,
    readonly now: Date,
  ) {
    for (const file of files.values()) this.writtenStatus.set(file.id, file.rollup.status);
  }

  /** Reads the step rows of `files` (locked by the caller; their rollups are updated in place). */
  static async load(repos: Repositories, files: readonly FileRecord[], now: Date): Promise<StepBatch> {
    const batch = new StepBatch(repos, new Map(files.map((file) => [file.id, file])), now);
    for (const file of files) batch.rows.set(file.id, []);
    for (const row of await repos.steps.listForFiles(files.map((file) => file.id))) {
      batch.rows.get(row.fileId)?.push(row);
    }
    return batch;
  }

  file(fileId: number): FileRecord {
    const file = this.files.get(fileId);
    if (file === undefined) throw new Error(`File ${fileId} is not part of this batch.`);
    return file;
  }

  /** The current row of a step, or null (also for a file outside the batch). */
  step(ref: StepRef): StoredStep | null {
    return this.rows.get(ref.fileId)?.find((row) => row.stepName === ref.stepName) ?? null;
  }

  /** Applies events in order, exactly as applyEvent would one by one; ids are final once flush() resolved. */
  async applyAll(changes: readonly StepChange[]): Promise<AppliedEvent[]> {
    // One read serves every step whose row the fold has not written yet (a new step, a legacy row).
    await this.fetchLogs(changes.filter((change) => foldedFrom(this.step(change)) === null));
    const applied: AppliedEvent[] = [];
    for (const change of changes) applied.push(await this.apply(change));
    return applied;
  }

  /**
   * Makes a pending step runnable at `runAfter`; without `override` only an unscheduled one. True when it changed;
   * then idle workers are asked to look for work once the transaction commits (for a managed file).
   */
  schedule(ref: StepRef, runAfter: Date, override: boolean): boolean {
    const row = this.step(ref);
    if (row?.status !== 'pending' || (!override && row.runAfter !== null)) return false;
    row.runAfter = runAfter;
    this.touch(row);
    const file = this.file(ref.fileId);
    if (file.managed) {
      this.announce = true;
      // A scheduled step moves a managed file on (docs/architecture.md#overall-status, the managed rule).
      this.refreshRollup(file, null);
    }
    return true;
  }

  /** Gives a claimed step its lease; a leased step is no longer scheduled. */
  lease(ref: StepRef, owner: string, expiresAt: Date): void {
    const row = this.step(ref);
    if (row === null) throw new Error(`Step ${ref.stepName} of file ${ref.fileId} has no row to lease.`);
    Object.assign(row, { leaseOwner: owner, leaseExpiresAt: expiresAt, runAfter: null });
    this.touch(row).leaseChanged = true;
  }

  /** Writes the logs, the changed step rows and the changed rollups; the batch can be used again afterwards. */
  async flush(): Promise<void> {
    await this.saveLogs();
    const writes = [...this.dirty.values()].map(toWrite);
    if (writes.length > 0) await this.repos.steps.saveStates(writes);
    if (this.dirtyFiles.size > 0) {
      const rollups = new Map([...this.dirtyFiles].map((id) => [id, this.file(id).rollup]));
      await this.repos.files.saveRollups(rollups);
    }
    if (this.announce) await this.repos.queue.announce();
    await this.enqueueWebhooks();
    this.dirty.clear();
    this.dirtyFiles.clear();
    this.announce = false;
  }

  /** Applies one event: its log row, its step row, the file's rollup and the next workflow step. */
  async apply(change: StepChange): Promise<AppliedEvent> {
    const file = this.file(change.fileId);
    const stored = this.step(change);
    const previous = foldedFrom(stored);
    const { afterLastEvent, cause, ...entry } = change;
    const last = stored?.lastEvent?.occurredAt;
    if (afterLastEvent === true && last !== undefined && last > entry.occurredAt) entry.occurredAt = last;
    const log: LogEntry = { ...entry, id: UNSAVED_ID + this.unsaved.length };
    this.unsaved.push(log);
    const event = toStepEvent(log);
    if (event === null)
      throw new Error(`Status ${change.status} was validated but the fold does not read it`);
    const inOrder = previous !== null && appliesInOrder(previous, event);
    const step = inOrder ? evolve(previous, event) : reconstructStep(await this.logsOf(change));
    this.store(change, step);
    this.repos.changes?.record({
      stepName: change.stepName,
      from: stored?.status ?? null,
      to: step.status,
      runMs:
        previous?.status === 'in_progress' && previous.lastEvent !== null
          ? Math.max(0, entry.occurredAt.getTime() - previous.lastEvent.occurredAt.getTime())
          : null,
      cause: cause ?? null,
    });
    // The rollup counts the rows as this change leaves them, the next step's schedule included: a managed file
    // between two steps is processing (docs/architecture.md#overall-status).
    const scheduled = this.scheduleNext(file, change.stepName, previous?.status ?? null, step.status);
    const rollup = this.refreshRollup(file, change.stepName);
    this.stepEvents.push(
      ...stepChangeEvents(
        {
          fileId: file.id,
          stepName: change.stepName,
          errorMessage: step.errorMessage,
          occurredAt: log.occurredAt,
        },
        previous?.status ?? null,
        step.status,
        cause ?? null,
      ),
    );
    const applied = { log, step, refolded: !inOrder, rollup, scheduled };
    this.applied.push(applied);
    return applied;
  }

  /**
   * Writes the deliveries of what this flush changed, in its transaction (docs/architecture.md#webhooks): a file
   * status compared with the one last written, so a failure re-queued within the transaction emits no file event.
   */
  private async enqueueWebhooks(): Promise<void> {
    const events = this.stepEvents;
    this.stepEvents = [];
    for (const id of this.dirtyFiles) {
      const status = this.file(id).rollup.status;
      const emitted = fileStatusEvent(id, this.writtenStatus.get(id) ?? status, status, this.now);
      if (emitted !== null) events.push(emitted);
      this.writtenStatus.set(id, status);
    }
    await enqueueWebhooks(this.repos, events, this.now);
  }

  /** Makes the workflow step after a step that just finished runnable, unless it was scheduled already. */
  private scheduleNext(file: FileRecord, stepName: string, before: StepStatus | null, after: StepStatus) {
    const finished = after === 'success' || after === 'skipped';
    if (!file.managed || file.isDuplicate || !finished || before === after) return null;
    const next = nextWorkflowStep(file.workflow, stepName);
    if (next === null) return null;
    const ref = { fileId: file.id, stepName: next };
    if (this.step(ref) === null) this.newRow(file.id, next);
    return this.schedule(ref, this.now, false) ? next : null;
  }

  private store(ref: StepRef, step: FoldedStep): void {
    const row = this.step(ref) ?? this.newRow(ref.fileId, ref.stepName);
    const state = this.touch(row);
    Object.assign(row, step);
    // The lease survives only while the step stays in progress; any other state ends it.
    if (step.status !== 'in_progress') {
      Object.assign(row, { leaseOwner: null, leaseExpiresAt: null });
      state.leaseChanged = true;
    }
  }

  private refreshRollup(file: FileRecord, lastStep: string | null): FileRollup {
    file.rollup = nextRollup(file, this.rowsOf(file.id), lastStep, this.now);
    this.dirtyFiles.add(file.id);
    return file.rollup;
  }

  private newRow(fileId: number, stepName: string): StoredStep {
    const row = blankStep(fileId, stepName, null, this.now);
    this.rowsOf(fileId).push(row);
    this.dirty.set(row, { row, leaseChanged: false });
    return row;
  }

  private touch(row: StoredStep): RowState {
    row.updatedAt = this.now;
    const state = this.dirty.get(row) ?? { row, leaseChanged: false };
    this.dirty.set(row, state);
    return state;
  }

  private rowsOf(fileId: number): StoredStep[] {
    const rows = this.rows.get(fileId);
    if (rows === undefined) throw new Error(`File ${fileId} is not part of this batch.`);
    return rows;
  }

  /** A step's logs as the fold sees them now: those stored before the batch plus the batch's own so far. */
  private async logsOf(ref: StepRef): Promise<LogEntry[]> {
    await this.fetchLogs([ref]);
    const own = this.unsaved.filter((log) => log.fileId === ref.fileId && log.stepName === ref.stepName);
    return [...(this.storedLogs.get(stepKey(ref)) ?? []), ...own].sort(compareEvents);
  }

  /** Reads, in one query, the stored logs of the steps whose logs the batch has not read yet. */
  private async fetchLogs(refs: readonly StepRef[]): Promise<void> {
    const missing = refs.filter((ref) => !this.storedLogs.has(stepKey(ref)));
    if (missing.length === 0) return;
    for (const ref of missing) this.storedLogs.set(stepKey(ref), []);
    for (const log of await this.repos.logs.listForSteps(missing))
      this.storedLogs.get(stepKey(log))?.push(log);
  }

  /** Inserts the batch's logs and swaps the placeholder ids for the real ones, in the logs and the step rows. */
  private async saveLogs(): Promise<void> {
    if (this.unsaved.length === 0) return;
    const logs = this.unsaved;
    this.unsaved = [];
    const saved = await this.repos.logs.appendMany(logs.map(({ id: _placeholder, ...entry }) => entry));
    if (saved.length !== logs.length)
      throw new Error(`${logs.length} logs were appended, ${saved.length} came back.`);
    const realId = (id: number) => (id >= UNSAVED_ID ? (saved[id - UNSAVED_ID]?.id ?? id) : id);
    const positions = [...this.dirty.keys(), ...this.applied.map((applied) => applied.step)];
    for (const { lastEvent } of positions) if (lastEvent !== null) lastEvent.id = realId(lastEvent.id);
    for (const log of logs) log.id = realId(log.id);
    this.applied = [];
    // Those logs are stored now: a later round re-reads them with their real ids.
    this.storedLogs.clear();
  }
}

/** A stored row that the fold wrote (it knows its last event) and whose status is valid, as a fold state. */
function foldedFrom(stored: StoredStep | null): FoldedStep | null {
  if (stored === null || stored.lastEvent === null || !isStepStatus(stored.status)) return null;
  return {
    status: stored.status,
    startedAt: stored.startedAt,
    completedAt: stored.completedAt,
    errorMessage: stored.errorMessage,
    attempts: stored.attempts,
    lastEvent: stored.lastEvent,
  };
}

function toWrite({ row, leaseChanged }: RowState): StepWrite {
  const { fileId, stepName, startedAt, completedAt, errorMessage, attempts, lastEvent, runAfter } = row;
  if (!isStepStatus(row.status))
    throw new Error(`Step ${stepName} of file ${fileId} has status ${row.status}.`);
  const keep = row.status === 'in_progress' && !leaseChanged;
  const lease =
    row.leaseOwner === null || row.leaseExpiresAt === null
      ? null
      : { owner: row.leaseOwner, expiresAt: row.leaseExpiresAt };
  return {
    fileId,
    stepName,
    state: { status: row.status, startedAt, completedAt, errorMessage, attempts, lastEvent },
    runAfter,
    lease: keep ? 'keep' : lease,
  };
}
