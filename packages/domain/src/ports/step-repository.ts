import type { FoldedStep } from '../events/step-state.fold.js';
import type { StoredStep } from '../files/file-record.js';

/** A step row as a batch of events leaves it. */
export interface StepWrite {
  fileId: number;
  stepName: string;
  state: FoldedStep;
  runAfter: Date | null;
  /** The lease to store (null: none); 'keep' leaves the stored one, for an in_progress step whose lease did not change. */
  lease: { owner: string; expiresAt: Date } | null | 'keep';
}

export interface StepRepository {
  /** The row of one step, or null. */
  get(fileId: number, stepName: string): Promise<StoredStep | null>;
  /** Every step row of a file, oldest row first. */
  listForFile(fileId: number): Promise<StoredStep[]>;
  /** Every step row of these files, ordered by file id, then oldest row first. */
  listForFiles(fileIds: readonly number[]): Promise<StoredStep[]>;
  /** Inserts `pending` rows for the names that have none and returns those names; existing rows are untouched. */
  createMissing(fileId: number, stepNames: readonly string[], runAfter: Date | null): Promise<string[]>;
  /** Writes a step's folded state, creating the row when missing; a state other than in_progress drops its lease. */
  saveState(fileId: number, stepName: string, state: FoldedStep): Promise<void>;
  /**
   * Writes many step rows in a few statements, creating the missing ones: state, runAfter and lease as given, except
   * that 'keep' (meant for in_progress steps only) leaves the stored lease untouched.
   */
  saveStates(writes: readonly StepWrite[]): Promise<void>;
  /**
   * Makes a pending step runnable at `runAfter`. Without `override` only an unscheduled step changes.
   * Returns whether the row changed.
   */
  schedule(fileId: number, stepName: string, runAfter: Date, override: boolean): Promise<boolean>;
}
