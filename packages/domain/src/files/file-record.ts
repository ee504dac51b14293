import {
  PENDING_STATUS,
  computeOverallStatus,
  overallStatusOf,
  sameOverallStatus,
  type OverallStatusResult,
  type StepSnapshot,
} from '../status/overall-status.js';
import { initialState, type FoldedStep } from '../events/step-state.fold.js';
import type { Workflow } from '../workflow/workflow.js';

/** The rollup of the overall status kept on the file row, updated with every step change. */
export interface FileRollup extends OverallStatusResult {
  lastStep: string | null;
  statusChangedAt: Date | null;
}

export interface FileRecord {
  id: number;
  filehash: string;
  originalFilename: string | null;
  localFilename: string;
  fileSize: number;
  mimeType: string | null;
  isDuplicate: boolean;
  duplicateOfId: number | null;
  workflow: Workflow;
  /** False for files registered by an external pipeline: steptrail's worker never runs their steps. */
  managed: boolean;
  rollup: FileRollup;
  createdAt: Date;
  updatedAt: Date;
}

/** What the overall-status rule and a rollup comparison need of a file. */
export type FileRollupSource = Pick<FileRecord, 'id' | 'isDuplicate' | 'managed' | 'workflow' | 'rollup'>;

export interface NewFile {
  filehash: string;
  originalFilename: string | null;
  localFilename: string;
  fileSize: number;
  mimeType: string | null;
  workflow: Workflow;
  managed: boolean;
}

/** A stored step row: its state plus scheduling and lease bookkeeping. */
export interface StoredStep extends Omit<FoldedStep, 'status'> {
  fileId: number;
  stepName: string;
  /** Legacy rows may hold values outside StepStatus; they are read and shown, never written. */
  status: string;
  /** When the step may next be claimed by a worker; null means not scheduled. */
  runAfter: Date | null;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The row of a step nothing has happened to yet: pending, never attempted, no lease. */
export function blankStep(fileId: number, stepName: string, runAfter: Date | null, now: Date): StoredStep {
  return {
    fileId,
    stepName,
    ...initialState(),
    runAfter,
    leaseOwner: null,
    leaseExpiresAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

export const PENDING_ROLLUP: FileRollup = Object.freeze({
  ...PENDING_STATUS,
  lastStep: null,
  statusChangedAt: null,
});

/** The overall status a rollup stores, without its bookkeeping (lastStep, statusChangedAt). */
export const rollupStatus = (rollup: FileRollup): OverallStatusResult => overallStatusOf(rollup);

/** Same stored status and counts; the bookkeeping does not count. */
export const sameRollup = sameOverallStatus;

/**
 * The rollup the status rule gives for these step rows (the file's rows, as they now are); `lastStep` null keeps
 * the stored one, and the status change time moves only when the status does (docs/architecture.md#rollup).
 */
export function nextRollup(
  file: FileRollupSource,
  steps: readonly StepSnapshot[],
  lastStep: string | null,
  now: Date,
): FileRollup {
  const overall = computeOverallStatus({
    isDuplicate: file.isDuplicate,
    managed: file.managed,
    workflow: file.workflow,
    steps,
  });
  const statusChanged = overall.status !== file.rollup.status;
  return {
    ...overall,
    lastStep: lastStep ?? file.rollup.lastStep,
    statusChangedAt: statusChanged ? now : file.rollup.statusChangedAt,
  };
}
