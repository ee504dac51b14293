import type { Clock } from '../ports/clock.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';
import { ok, type Result } from '../result.js';
import { refreshRollup } from './apply-event.js';
import { withLockedFile } from './locked-file.js';
import { requeue } from './requeue.js';
import { StepBatch } from './step-batch.js';

/** The history row each step skipped because its file is a duplicate gets. */
export interface DuplicateNote {
  message: string;
  taskId?: string | null;
}

/**
 * The changes a step's handler makes to the rest of its file's pipeline: steps it makes runnable, and a duplicate
 * that ends the pipeline (docs/architecture.md#duplicates). Each is one transaction on the locked file, with a
 * log row for every step it changes.
 */
export class PipelineSteps {
  constructor(private readonly deps: { unitOfWork: UnitOfWork; clock: Clock }) {}

  /**
   * Makes the named steps of a file runnable now, each with a pending event carrying `message(stepName)`. Only
   * pending steps that are not scheduled yet change, so asking twice is harmless. Returns the steps it changed.
   */
  async makeRunnable(
    fileId: number,
    stepNames: readonly string[],
    message: (stepName: string) => string,
  ): Promise<Result<string[]>> {
    return withLockedFile(this.deps.unitOfWork, fileId, async (repos, file) => {
      const batch = await StepBatch.load(repos, [file], this.deps.clock.now());
      const scheduled: string[] = [];
      for (const stepName of stepNames) {
        const step = batch.step({ fileId, stepName });
        if (step?.status !== 'pending' || step.runAfter !== null) continue;
        await requeue(batch, { fileId, stepName }, message(stepName), batch.now);
        scheduled.push(stepName);
      }
      await batch.flush();
      return ok(scheduled);
    });
  }

  /**
   * Marks a file a duplicate of `originalId` and skips every step of it still pending, each with a skipped event
   * carrying `note`, all in one transaction: no reader sees a duplicate whose steps still wait to run. Returns the
   * steps it skipped.
   */
  async markDuplicate(fileId: number, originalId: number, note: DuplicateNote): Promise<Result<string[]>> {
    return withLockedFile(this.deps.unitOfWork, fileId, async (repos, locked) => {
      const now = this.deps.clock.now();
      await repos.files.setDuplicate(fileId, true, originalId);
      const file = { ...locked, isDuplicate: true, duplicateOfId: originalId };
      // The flag changes the status on its own (a duplicate with no pending step left), so the rollup follows it
      // before the skipped events move it on, as when the flag is set by itself.
      await refreshRollup(repos, file, null, now);
      const batch = await StepBatch.load(repos, [file], now);
      const pending = (await repos.steps.listForFile(fileId)).filter((step) => step.status === 'pending');
      const skipped = pending.map((step) => step.stepName);
      await batch.applyAll(
        skipped.map((stepName) => ({
          fileId,
          stepName,
          status: 'skipped' as const,
          occurredAt: now,
          message: note.message,
          detail: null,
          taskId: note.taskId ?? null,
        })),
      );
      await batch.flush();
      return ok(skipped);
    });
  }
}
