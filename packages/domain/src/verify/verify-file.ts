import { reconstruct } from '../events/reconstruct.js';
import { initialState, sameInstant, type FoldedStep } from '../events/step-state.fold.js';
import type { LogEntry } from '../events/step-event.js';
import type { FileRecord, StoredStep } from '../files/file-record.js';
import {
  OVERALL_STATUS_FIELDS,
  computeOverallStatus,
  type OverallStatusResult,
} from '../status/overall-status.js';
import { classifierFor } from '../workflow/workflow.js';

type StepField = 'status' | 'startedAt' | 'completedAt' | 'errorMessage';
type RollupField = keyof OverallStatusResult;

export type Discrepancy =
  | { kind: 'missing_step'; stepName: string; message: string }
  | { kind: 'extra_step'; stepName: string; message: string }
  | {
      kind: 'step_field';
      stepName: string;
      field: StepField;
      expected: string | null;
      actual: string | null;
      message: string;
    }
  | { kind: 'rollup'; field: RollupField; expected: string; actual: string; message: string };

export interface FileVerification {
  fileId: number;
  valid: boolean;
  discrepancies: Discrepancy[];
}

export interface VerifyInput {
  file: FileRecord;
  /** The file's logs in (occurredAt, id) order. */
  logs: readonly LogEntry[];
  steps: readonly StoredStep[];
}

const STEP_FIELDS: readonly StepField[] = ['status', 'startedAt', 'completedAt', 'errorMessage'];

/**
 * Compares a file's step rows with the fold of its logs, and its rollup with the status of its rows.
 * A real step with events but no row is missing; a row whose state no log explains is extra (a row still in its
 * initial pending state simply has no events yet, and a step whose logs the fold ignores needs no row).
 * Timestamps compare at millisecond precision (docs/architecture.md#adoption).
 */
export function verifyFile({ file, logs, steps }: VerifyInput): FileVerification {
  const expected = reconstruct(logs).steps;
  const classifier = classifierFor(file.workflow);
  const rows = new Map(steps.map((step) => [step.stepName, step]));
  const discrepancies: Discrepancy[] = [];

  for (const [stepName, folded] of expected) {
    const row = rows.get(stepName);
    if (row === undefined) {
      // A step known only through ignored rows (history notes, legacy words) folds to the initial state: no row needed.
      if (classifier.isReal(stepName) && folded.lastEvent !== null) {
        discrepancies.push({
          kind: 'missing_step',
          stepName,
          message: `Step ${stepName} has logs ending in ${folded.status} but no row in file_processing_steps.`,
        });
      }
      continue;
    }
    discrepancies.push(...compareStep(stepName, folded, row));
  }
  for (const row of steps) {
    if (!expected.has(row.stepName) && !isInitial(row)) {
      discrepancies.push({
        kind: 'extra_step',
        stepName: row.stepName,
        message: `Step ${row.stepName} is ${row.status} in file_processing_steps but has no log explaining it.`,
      });
    }
  }
  discrepancies.push(...compareRollup(file, steps));
  return { fileId: file.id, valid: discrepancies.length === 0, discrepancies };
}

function compareStep(stepName: string, folded: FoldedStep, row: StoredStep): Discrepancy[] {
  const found: Discrepancy[] = [];
  for (const field of STEP_FIELDS) {
    const want = folded[field];
    const have = row[field];
    const same =
      want instanceof Date || have instanceof Date ? sameInstant(asDate(want), asDate(have)) : want === have;
    if (same) continue;
    const expected = render(want);
    const actual = render(have);
    found.push({
      kind: 'step_field',
      stepName,
      field,
      expected,
      actual,
      message: `Step ${stepName}: ${field} is ${actual ?? 'empty'} but its logs say ${expected ?? 'empty'}.`,
    });
  }
  return found;
}

function compareRollup(file: FileRecord, steps: readonly StoredStep[]): Discrepancy[] {
  const expected = computeOverallStatus({
    isDuplicate: file.isDuplicate,
    managed: file.managed,
    workflow: file.workflow,
    steps,
  });
  const found: Discrepancy[] = [];
  for (const field of OVERALL_STATUS_FIELDS) {
    if (expected[field] === file.rollup[field]) continue;
    const want = String(expected[field]);
    const have = String(file.rollup[field]);
    found.push({
      kind: 'rollup',
      field,
      expected: want,
      actual: have,
      message: `File ${file.id}: stored ${field} is ${have} but its steps give ${want}.`,
    });
  }
  return found;
}

function isInitial(row: StoredStep): boolean {
  const blank = initialState();
  return (
    row.status === blank.status &&
    row.startedAt === null &&
    row.completedAt === null &&
    row.errorMessage === null &&
    row.attempts === 0
  );
}

const asDate = (value: unknown): Date | null => (value instanceof Date ? value : null);

function render(value: string | Date | null | number): string | null {
  if (value === null) return null;
  return value instanceof Date ? value.toISOString() : String(value);
}
