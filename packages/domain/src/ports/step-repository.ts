import type { FoldedStep } from '../events/step-state.fold.js';
import type { StoredStep } from '../files/file-record.js';

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
   * Makes a pending step runnable at `runAfter`. Without `override` only an unscheduled step changes.
   * Returns whether the row changed.
   */
  schedule(fileId: number, stepName: string, runAfter: Date, override: boolean): Promise<boolean>;
}
