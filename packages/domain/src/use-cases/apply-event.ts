import { reconstructStep } from '../events/reconstruct.js';
import { appliesInOrder, evolve, type FoldedStep } from '../events/step-state.fold.js';
import { toStepEvent, type LogEntry } from '../events/step-event.js';
import type { FileRecord, FileRollup, StoredStep } from '../files/file-record.js';
import { computeOverallStatus, type StepSnapshot } from '../status/overall-status.js';
import { isStepStatus, type StepStatus } from '../status/step-status.js';
import type { Repositories } from '../ports/unit-of-work.js';
import { nextWorkflowStep } from '../workflow/workflow.js';

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
 * Appends the event's log row, folds it into the step row and refreshes the file's rollup. The caller runs this
 * inside a transaction and has locked `file` (repos.files.lock), so all three writes land together or not at all.
 */
export async function applyEvent(
  repos: Repositories,
  file: FileRecord,
  change: StepChange,
  now: Date,
): Promise<AppliedEvent> {
  // One read of the file's rows serves the fold (this step) and the rollup (all steps): the file is locked.
  const rows = await repos.steps.listForFile(file.id);
  const stored = rows.find((row) => row.stepName === change.stepName) ?? null;
  const previous = foldedFrom(stored);
  const { afterLastEvent, ...entry } = change;
  const last = stored?.lastEvent?.occurredAt;
  if (afterLastEvent === true && last !== undefined && last > entry.occurredAt) entry.occurredAt = last;
  const log = await repos.logs.append(entry);
  const event = toStepEvent(log);
  if (event === null) throw new Error(`Status ${change.status} was validated but the fold does not read it`);
  const inOrder = previous !== null && appliesInOrder(previous, event);
  const step = inOrder
    ? evolve(previous, event)
    : reconstructStep(await repos.logs.listForStep(file.id, change.stepName));
  await repos.steps.saveState(file.id, change.stepName, step);
  const snapshots: StepSnapshot[] = rows.filter((row) => row.stepName !== change.stepName);
  snapshots.push({ stepName: change.stepName, status: step.status, attempts: step.attempts });
  const rollup = await storeRollup(repos, file, snapshots, change.stepName, now);
  const scheduled = await scheduleNext(
    repos,
    file,
    rows,
    change.stepName,
    previous?.status ?? null,
    step.status,
    now,
  );
  return { log, step, refolded: !inOrder, rollup, scheduled };
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

/** Recomputes the file's rollup from its step rows and stores it. */
export async function refreshRollup(
  repos: Repositories,
  file: FileRecord,
  lastStep: string | null,
  now: Date,
): Promise<FileRollup> {
  return storeRollup(repos, file, await repos.steps.listForFile(file.id), lastStep, now);
}

/** Stores the rollup the status rule gives for these step rows (the file's rows, as they now are). */
async function storeRollup(
  repos: Repositories,
  file: FileRecord,
  steps: readonly StepSnapshot[],
  lastStep: string | null,
  now: Date,
): Promise<FileRollup> {
  const overall = computeOverallStatus({ isDuplicate: file.isDuplicate, workflow: file.workflow, steps });
  const statusChanged = overall.status !== file.rollup.status;
  const rollup: FileRollup = {
    ...overall,
    lastStep: lastStep ?? file.rollup.lastStep,
    statusChangedAt: statusChanged ? now : file.rollup.statusChangedAt,
  };
  await repos.files.saveRollup(file.id, rollup);
  file.rollup = rollup;
  return rollup;
}

async function scheduleNext(
  repos: Repositories,
  file: FileRecord,
  rows: readonly StoredStep[],
  stepName: string,
  before: StepStatus | null,
  after: StepStatus,
  now: Date,
): Promise<string | null> {
  const finished = after === 'success' || after === 'skipped';
  if (!file.managed || file.isDuplicate || !finished || before === after) return null;
  const next = nextWorkflowStep(file.workflow, stepName);
  if (next === null) return null;
  if (!rows.some((row) => row.stepName === next)) await repos.steps.createMissing(file.id, [next], null);
  const changed = await repos.steps.schedule(file.id, next, now, false);
  if (changed) await repos.queue.announce();
  return changed ? next : null;
}
