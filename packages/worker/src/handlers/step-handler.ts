import type { FileRecord, StepStatus } from '@steptrail/domain';
import type { z } from 'zod';
import type { FileArtifacts } from './file-artifacts.js';

/** How a step ended when its handler returned; a handler that cannot do its work throws instead. */
export type StepResult =
  | { status: 'success'; message?: string; detail?: string }
  | { status: 'skipped'; reason: string; detail?: string };

export const success = (message?: string, detail?: string): StepResult => ({
  status: 'success',
  ...(message === undefined ? {} : { message }),
  ...(detail === undefined ? {} : { detail }),
});

export const skipped = (reason: string, detail?: string): StepResult => ({
  status: 'skipped',
  reason,
  ...(detail === undefined ? {} : { detail }),
});

/** Writes into the file's history. Notes carry no status, so they never change a step's state. */
export interface StepLogger {
  note(message: string, detail?: string): Promise<void>;
  warn(message: string, detail?: string): Promise<void>;
}

/** What a handler may change about its file's pipeline besides its own outcome. */
export interface PipelineControl {
  /** The oldest file with this content hash that was registered before this one and is not a duplicate. */
  findOriginal(sha256: string): Promise<FileRecord | null>;
  /** Marks the file a duplicate of `originalId` and skips its remaining (pending) workflow steps with `reason`. */
  markDuplicate(originalId: number, reason: string): Promise<string[]>;
  /** Records a status of a step this handler runs inside its own (process_with_ocr inside extract_text). */
  recordStep(stepName: string, status: StepStatus, message: string): Promise<void>;
  /** The destinations whose queue_X step this file has, still pending and never run. */
  waitingDestinations(): Promise<string[]>;
  /** Adds queue_X and upload_to_X steps for these destinations; idempotent. Returns the names it created. */
  addUploadSteps(destinations: readonly string[]): Promise<string[]>;
  /**
   * Makes pending steps of this file that are not scheduled yet runnable now, each with a pending event carrying
   * `message`; steps already scheduled, running or finished are left alone (so a re-run is harmless).
   */
  makeRunnable(stepNames: readonly string[], message: (stepName: string) => string): Promise<string[]>;
}

export interface StepContext<C = undefined> {
  readonly file: FileRecord;
  readonly stepName: string;
  /** 1 for the first run, 2 for the first retry, ... */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly workerId: string;
  /** Where the uploaded content is, in the shared storage. */
  readonly sourcePath: string;
  /** A private, empty directory, deleted when the step ends. */
  readonly scratchDir: string;
  /** Results shared by the steps of one file (hash, text, metadata, the stamped PDF), in the shared work folder. */
  readonly artifacts: FileArtifacts;
  readonly log: StepLogger;
  /** STEP_CONFIG[stepName], parsed by the handler's configSchema at start-up. */
  readonly config: C;
  readonly pipeline: PipelineControl;
  /** Aborted when the lease is lost or the worker gives the step back at shutdown. */
  readonly signal: AbortSignal;
}

/**
 * One step's real work. Handlers must be safe to run again: a step whose worker died is run once more by
 * another worker, so results are written atomically and re-running finds and keeps them.
 */
export interface StepHandler<C = undefined> {
  readonly stepName: string;
  /** Validates STEP_CONFIG[stepName] at start-up; without one, configuring the step is an error. */
  readonly configSchema?: z.ZodType<C>;
  run(context: StepContext<C>): Promise<StepResult>;
}
