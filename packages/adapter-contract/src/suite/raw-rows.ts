import { sortEvents, type FoldedStep, type LogEntry, type OverallStatusResult } from '@steptrail/domain';
import type { RawAccess, RawRow } from '../harness.js';

/** A column that must hold a Date (or null): raw rows are normalized by the backend's RawAccess. */
export function dateOf(row: RawRow, column: string): Date | null {
  const value = column in row ? row[column] : undefined;
  if (value === null || value instanceof Date) return value;
  throw new Error(`Column ${column} should be a Date or null, got ${JSON.stringify(value)}`);
}

export function numberOf(row: RawRow, column: string): number | null {
  const value = column in row ? row[column] : undefined;
  if (value === null || typeof value === 'number') return value;
  throw new Error(`Column ${column} should be a number or null, got ${JSON.stringify(value)}`);
}

export function textOf(row: RawRow, column: string): string | null {
  const value = column in row ? row[column] : undefined;
  if (value === null || typeof value === 'string') return value;
  throw new Error(`Column ${column} should be text or null, got ${JSON.stringify(value)}`);
}

export function boolOf(row: RawRow, column: string): boolean {
  const value = column in row ? row[column] : undefined;
  if (typeof value === 'boolean') return value;
  throw new Error(`Column ${column} should be a boolean, got ${JSON.stringify(value)}`);
}

/** An instant as ISO text (null stays null), so failed comparisons print readable values. */
export const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());

/** The id column, which every table has. */
export function idOf(row: RawRow): number {
  const id = numberOf(row, 'id');
  if (id === null) throw new Error('Row without id');
  return id;
}

/** The fold-relevant columns of a file_processing_steps row, comparable with `foldedView`. */
export interface StepView {
  status: string | null;
  startedAt: string | null;
  completedAt: string | null;
  errorMessage: string | null;
  attempts: number | null;
  lastEventAt: string | null;
  lastEventId: number | null;
}

export function stepView(row: RawRow): StepView {
  return {
    status: textOf(row, 'status'),
    startedAt: iso(dateOf(row, 'started_at')),
    completedAt: iso(dateOf(row, 'completed_at')),
    errorMessage: textOf(row, 'error_message'),
    attempts: numberOf(row, 'attempts'),
    lastEventAt: iso(dateOf(row, 'last_event_at')),
    lastEventId: numberOf(row, 'last_event_id'),
  };
}

export function foldedView(state: FoldedStep): StepView {
  return {
    status: state.status,
    startedAt: iso(state.startedAt),
    completedAt: iso(state.completedAt),
    errorMessage: state.errorMessage,
    attempts: state.attempts,
    lastEventAt: iso(state.lastEvent?.occurredAt ?? null),
    lastEventId: state.lastEvent?.id ?? null,
  };
}

/** The step views of a file's raw rows, keyed by step name. */
export function stepViewsByName(rows: readonly RawRow[]): Record<string, StepView> {
  return Object.fromEntries(rows.map((row) => [textOf(row, 'step_name') ?? '', stepView(row)]));
}

/** The raw row of one step; fails the test when it is absent. */
export function stepRowNamed(rows: readonly RawRow[], stepName: string): RawRow {
  const row = rows.find((candidate) => candidate.step_name === stepName);
  if (row === undefined) throw new Error(`No file_processing_steps row for ${stepName}`);
  return row;
}

/** The rollup columns of a files row, comparable with an OverallStatusResult. */
export function rollupView(row: RawRow): OverallStatusResult {
  const count = (column: string) => numberOf(row, column) ?? Number.NaN;
  const status = textOf(row, 'processing_status');
  if (
    status !== 'pending' &&
    status !== 'processing' &&
    status !== 'completed' &&
    status !== 'failed' &&
    status !== 'duplicate'
  ) {
    throw new Error(`processing_status should be an overall status, got ${JSON.stringify(status)}`);
  }
  return {
    status,
    hasErrors: boolOf(row, 'has_errors'),
    totalSteps: count('total_steps'),
    completedSteps: count('completed_steps'),
    failedSteps: count('failed_steps'),
    inProgressSteps: count('in_progress_steps'),
    skippedSteps: count('skipped_steps'),
  };
}

/** A processing_logs row parsed into the domain's LogEntry. */
export function logEntryOf(row: RawRow): LogEntry {
  const occurredAt = dateOf(row, 'timestamp');
  if (occurredAt === null) throw new Error(`Log ${idOf(row)} has no timestamp`);
  return {
    id: idOf(row),
    fileId: numberOf(row, 'file_id'),
    taskId: textOf(row, 'task_id'),
    stepName: textOf(row, 'step_name'),
    status: textOf(row, 'status'),
    message: textOf(row, 'message'),
    detail: textOf(row, 'detail'),
    occurredAt,
  };
}

/** A file's stored logs in the fold's (occurredAt, id) order. */
export async function orderedLogs(raw: RawAccess, fileId: number): Promise<LogEntry[]> {
  return sortEvents((await raw.logRows(fileId)).map(logEntryOf));
}

/** Everything stored for one file, for "storage unchanged" assertions. */
export async function rawSnapshot(raw: RawAccess, fileId: number) {
  const [file, steps, logs] = await Promise.all([
    raw.fileRow(fileId),
    raw.stepRows(fileId),
    raw.logRows(fileId),
  ]);
  return { file, steps, logs };
}

/** The files row with this id; fails the test when it is absent. */
export async function storedFile(raw: RawAccess, fileId: number): Promise<RawRow> {
  const row = await raw.fileRow(fileId);
  if (row === null) throw new Error(`No files row with id ${fileId}`);
  return row;
}
