import {
  requeue,
  StepBatch,
  type Clock,
  type FileRecord,
  type Result,
  type StepStatus,
  type StepTracker,
  type Store,
} from '@steptrail/domain';
import type { PipelineControl, StepLogger } from './step-handler.js';

export interface FilePipelineDeps {
  store: Store;
  tracker: StepTracker;
  clock: Clock;
  workerId: string;
}

/** Faults of the tracker (the file vanished, an invalid name) end the attempt like any thrown error. */
function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new Error(`${result.error.code}: ${result.error.message}`);
}

/** PipelineControl and StepLogger for one claimed step, written through the domain's use-cases. */
export class FilePipeline implements PipelineControl, StepLogger {
  constructor(
    private readonly deps: FilePipelineDeps,
    private readonly file: FileRecord,
    private readonly stepName: string,
  ) {}

  async note(message: string, detail?: string): Promise<void> {
    unwrap(
      await this.deps.tracker.logEvent(this.file.id, {
        stepName: this.stepName,
        status: null,
        message,
        detail: detail ?? null,
        taskId: this.deps.workerId,
      }),
    );
  }

  async warn(message: string, detail?: string): Promise<void> {
    await this.note(`Warning: ${message}`, detail);
  }

  async findOriginal(sha256: string): Promise<FileRecord | null> {
    const original = await this.deps.store.reads.files.findOriginal(sha256, this.file.id);
    // Only an older file counts: two copies processed at once must not mark each other as duplicates.
    return original !== null && original.id < this.file.id ? original : null;
  }

  async markDuplicate(originalId: number, reason: string): Promise<string[]> {
    unwrap(await this.deps.tracker.setDuplicate(this.file.id, true, originalId));
    const steps = await this.deps.store.reads.steps.listForFile(this.file.id);
    const skipped: string[] = [];
    for (const step of steps) {
      if (step.stepName === this.stepName || step.status !== 'pending') continue;
      unwrap(
        await this.deps.tracker.updateStepStatus(this.file.id, step.stepName, 'skipped', {
          message: reason,
          taskId: this.deps.workerId,
        }),
      );
      skipped.push(step.stepName);
    }
    return skipped;
  }

  async recordStep(stepName: string, status: StepStatus, message: string): Promise<void> {
    unwrap(
      await this.deps.tracker.updateStepStatus(this.file.id, stepName, status, {
        message,
        taskId: this.deps.workerId,
      }),
    );
  }

  async addUploadSteps(destinations: readonly string[]): Promise<string[]> {
    return unwrap(await this.deps.tracker.addUploadSteps(this.file.id, destinations));
  }

  async makeRunnable(stepNames: readonly string[], message: (stepName: string) => string): Promise<string[]> {
    return this.deps.store.unitOfWork.transaction(async (repos) => {
      const file = await repos.files.lock(this.file.id);
      if (file === null) throw new Error(`FILE_NOT_FOUND: File ${this.file.id} does not exist.`);
      const batch = await StepBatch.load(repos, [file], this.deps.clock.now());
      const scheduled: string[] = [];
      for (const stepName of stepNames) {
        const step = batch.step({ fileId: file.id, stepName });
        if (step?.status !== 'pending' || step.runAfter !== null) continue;
        await requeue(batch, { fileId: file.id, stepName }, message(stepName), batch.now);
        scheduled.push(stepName);
      }
      await batch.flush();
      return scheduled;
    });
  }
}
