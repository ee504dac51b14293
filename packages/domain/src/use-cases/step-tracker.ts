import type { FileRecord, NewFile } from '../files/file-record.js';
import type { Clock } from '../ports/clock.js';
import type { Repositories, UnitOfWork } from '../ports/unit-of-work.js';
import { domainError, err, ok, type Result } from '../result.js';
import { parseStepStatus } from '../status/step-status.js';
import { isQueueStep, parseDestination, parseStepName, uploadStepNames } from '../workflow/step-names.js';
import { terminalStepOf } from '../workflow/workflow.js';
import { applyEvent, refreshRollup, type AppliedEvent } from './apply-event.js';
import { withLockedFile } from './locked-file.js';
import { requeue } from './requeue.js';
import { StepBatch } from './step-batch.js';
import { prepareChange, type StepUpdateOptions } from './step-update-options.js';

export interface StepTrackerDeps {
  unitOfWork: UnitOfWork;
  clock: Clock;
}

export interface HistoryNote {
  stepName?: string | null;
  status?: string | null;
  message?: string | null;
  detail?: string | null;
  taskId?: string | null;
  occurredAt?: Date;
}

/** A history row that says what changed and who asked, written with a change that is not a step event. */
export interface ChangeNote {
  message: string;
  detail?: string | null;
  taskId?: string | null;
}

/** The write side of the step manager: every state change writes its log row in the same transaction. */
export class StepTracker {
  constructor(private readonly deps: StepTrackerDeps) {}

  /** Creates a file, initialises its workflow steps and, for managed files, makes the first one runnable. */
  async registerFile(file: NewFile, note?: ChangeNote): Promise<FileRecord> {
    return this.deps.unitOfWork.transaction(async (repos) => {
      const created = await repos.files.create(file);
      await this.appendNote(repos, created.id, note);
      const [first, ...rest] = created.workflow.steps;
      const now = this.deps.clock.now();
      if (first !== undefined)
        await repos.steps.createMissing(created.id, [first], created.managed ? now : null);
      await repos.steps.createMissing(created.id, rest, null);
      await refreshRollup(repos, created, null, now);
      if (created.managed) await repos.queue.announce();
      return created;
    });
  }

  /** Creates pending rows for the file's workflow steps (or `steps`) that have none; never resets a row. */
  async initializeFileSteps(
    fileId: number,
    steps?: readonly string[],
    note?: ChangeNote,
  ): Promise<Result<string[]>> {
    for (const step of steps ?? []) {
      const parsed = parseStepName(step);
      if (!parsed.ok) return parsed;
    }
    return this.withFile(fileId, async (repos, file) => {
      const created = await repos.steps.createMissing(fileId, steps ?? file.workflow.steps, null);
      if (created.length > 0) {
        await refreshRollup(repos, file, null, this.deps.clock.now());
        await this.appendNote(repos, fileId, note);
      }
      return created;
    });
  }

  /**
   * Adds `queue_X` and `upload_to_X` pending rows per destination; idempotent. In a managed file whose terminal
   * step already finished, nothing would ever schedule the new queue steps, and the file would read `completed`
   * while they wait: they are made runnable at once, so the file reads `processing` until a worker delivers them
   * (or lists them as unclaimed: docs/architecture.md#upload-steps).
   */
  async addUploadSteps(
    fileId: number,
    destinations: readonly string[],
    note?: ChangeNote,
  ): Promise<Result<string[]>> {
    const names: string[] = [];
    for (const destination of destinations) {
      const parsed = parseDestination(destination);
      if (!parsed.ok) return parsed;
      const { queue, upload } = uploadStepNames(parsed.value);
      names.push(queue, upload);
    }
    return this.withFile(fileId, async (repos, file) => {
      const created = await repos.steps.createMissing(fileId, names, null);
      if (created.length > 0) {
        await refreshRollup(repos, file, null, this.deps.clock.now());
        await this.appendNote(repos, fileId, note);
        await this.scheduleLateQueues(repos, file, created);
      }
      return created;
    });
  }

  /** Makes new queue steps runnable when the managed file's terminal step has finished already. */
  private async scheduleLateQueues(
    repos: Repositories,
    file: FileRecord,
    created: readonly string[],
  ): Promise<void> {
    if (!file.managed) return;
    const batch = await StepBatch.load(repos, [file], this.deps.clock.now());
    const terminal = terminalStepOf(file.workflow);
    const status = batch.step({ fileId: file.id, stepName: terminal })?.status;
    if (status !== 'success' && status !== 'skipped') return;
    for (const stepName of created.filter(isQueueStep)) {
      const message = `Queued: upload steps added after ${terminal} had finished`;
      await requeue(batch, { fileId: file.id, stepName }, message, batch.now);
    }
    await batch.flush();
  }

  /** Records a step's new status: its log row, step row and the file rollup change in one transaction. */
  async updateStepStatus(
    fileId: number,
    stepName: string,
    status: string,
    options: StepUpdateOptions = {},
  ): Promise<Result<AppliedEvent>> {
    const change = prepareChange(fileId, stepName, status, options, this.deps.clock);
    if (!change.ok) return change;
    return this.withFile(fileId, (repos, file) =>
      applyEvent(repos, file, change.value, this.deps.clock.now()),
    );
  }

  /**
   * Writes history. A note naming a file, a step and a status is a state change and goes through
   * updateStepStatus so the fold invariant holds; anything else (task-level rows, notes without status) is
   * appended to the history only.
   */
  async logEvent(fileId: number | null, note: HistoryNote): Promise<Result<{ logId: number }>> {
    const stepName = note.stepName ?? null;
    const status = note.status ?? null;
    if (fileId !== null && stepName !== null && status !== null) {
      const applied = await this.updateStepStatus(fileId, stepName, status, {
        ...note,
        errorMessage: undefined,
      });
      return applied.ok ? ok({ logId: applied.value.log.id }) : applied;
    }
    if (status !== null) {
      const parsed = parseStepStatus(status);
      if (!parsed.ok) return parsed;
    }
    if (stepName !== null) {
      const parsed = parseStepName(stepName);
      if (!parsed.ok) return parsed;
    }
    const entry = {
      fileId,
      stepName,
      status,
      message: note.message ?? null,
      detail: note.detail ?? null,
      taskId: note.taskId ?? null,
      occurredAt: note.occurredAt ?? this.deps.clock.now(),
    };
    if (fileId === null) {
      const log = await this.deps.unitOfWork.transaction((repos) => repos.logs.append(entry));
      return ok({ logId: log.id });
    }
    return this.withFile(fileId, async (repos) => ({ logId: (await repos.logs.append(entry)).id }));
  }

  /** Re-queues failed steps (all of them, or the named ones) with a `pending` event; managed files run them again. */
  async retryFailedSteps(fileId: number, steps?: readonly string[]): Promise<Result<string[]>> {
    const now = this.deps.clock.now();
    return this.withFileResult(fileId, async (repos, file) => {
      const rows = await repos.steps.listForFile(fileId);
      const wanted = steps ?? rows.filter((row) => row.status === 'failure').map((row) => row.stepName);
      for (const name of wanted) {
        const row = rows.find((candidate) => candidate.stepName === name);
        if (row?.status !== 'failure') {
          const state = row === undefined ? 'does not exist' : `is ${row.status}`;
          return err(
            domainError(
              'NOT_RETRYABLE',
              `Step ${name} of file ${fileId} ${state}; only failed steps can be retried.`,
            ),
          );
        }
      }
      const batch = await StepBatch.load(repos, [file], now);
      for (const stepName of wanted) {
        await requeue(batch, { fileId, stepName }, 'Re-queued for retry by request', now, 'retry');
      }
      await batch.flush();
      return ok([...wanted]);
    });
  }

  /** Marks or clears the duplicate flag; the rollup follows in the same transaction. */
  async setDuplicate(
    fileId: number,
    isDuplicate: boolean,
    duplicateOfId: number | null = null,
    note?: ChangeNote,
  ): Promise<Result<FileRecord>> {
    return this.withFile(fileId, async (repos, file) => {
      await repos.files.setDuplicate(fileId, isDuplicate, isDuplicate ? duplicateOfId : null);
      await this.appendNote(repos, fileId, note);
      const updated: FileRecord = { ...file, isDuplicate, duplicateOfId: isDuplicate ? duplicateOfId : null };
      await refreshRollup(repos, updated, null, this.deps.clock.now());
      return updated;
    });
  }

  /** Deletes a file and its step rows; its history stays. */
  async deleteFile(fileId: number, note?: ChangeNote): Promise<Result<true>> {
    return this.withFile(fileId, async (repos) => {
      // The note goes first and in the same transaction: if the delete is refused, neither is stored.
      await this.appendNote(repos, fileId, note);
      // A later file may get this id again (SQLite reuses the highest): it must not inherit these answers.
      await repos.receipts.deleteForFile(fileId);
      await repos.files.delete(fileId);
      return true as const;
    });
  }

  /** Writes a history note (no step, no status) in the caller's transaction. */
  private async appendNote(repos: Repositories, fileId: number, note: ChangeNote | undefined): Promise<void> {
    if (note === undefined) return;
    await repos.logs.append({
      fileId,
      stepName: null,
      status: null,
      message: note.message,
      detail: note.detail ?? null,
      taskId: note.taskId ?? null,
      occurredAt: this.deps.clock.now(),
    });
  }

  private withFile<T>(
    fileId: number,
    work: (repos: Repositories, file: FileRecord) => Promise<T>,
  ): Promise<Result<T>> {
    return this.withFileResult(fileId, async (repos, file) => ok(await work(repos, file)));
  }

  private withFileResult<T>(
    fileId: number,
    work: (repos: Repositories, file: FileRecord) => Promise<Result<T>>,
  ): Promise<Result<T>> {
    return withLockedFile(this.deps.unitOfWork, fileId, work);
  }
}
