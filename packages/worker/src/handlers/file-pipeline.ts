import {
  StatusQueries,
  destinationOf,
  isQueueStep,
  type FileRecord,
  type PipelineSteps,
  type Result,
  type StepStatus,
  type StepTracker,
  type Store,
} from '@steptrail/domain';
import type { PipelineControl, StepLogger } from './step-handler.js';

export interface FilePipelineDeps {
  store: Store;
  tracker: StepTracker;
  pipelineSteps: PipelineSteps;
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
    return new StatusQueries(this.deps.store.reads).originalOf({ id: this.file.id, filehash: sha256 });
  }

  async markDuplicate(originalId: number, reason: string): Promise<string[]> {
    const note = { message: reason, taskId: this.deps.workerId };
    return unwrap(await this.deps.pipelineSteps.markDuplicate(this.file.id, originalId, note));
  }

  async recordStep(stepName: string, status: StepStatus, message: string): Promise<void> {
    unwrap(
      await this.deps.tracker.updateStepStatus(this.file.id, stepName, status, {
        message,
        taskId: this.deps.workerId,
      }),
    );
  }

  async waitingDestinations(): Promise<string[]> {
    const steps = await this.deps.store.reads.steps.listForFile(this.file.id);
    return steps.flatMap((step) =>
      isQueueStep(step.stepName) && step.status === 'pending' && step.attempts === 0
        ? [destinationOf(step.stepName) ?? step.stepName]
        : [],
    );
  }

  async addUploadSteps(destinations: readonly string[]): Promise<string[]> {
    return unwrap(await this.deps.tracker.addUploadSteps(this.file.id, destinations));
  }

  async makeRunnable(stepNames: readonly string[], message: (stepName: string) => string): Promise<string[]> {
    return unwrap(await this.deps.pipelineSteps.makeRunnable(this.file.id, stepNames, message));
  }
}
