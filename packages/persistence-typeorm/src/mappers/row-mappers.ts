import {
  fileWorkflow,
  parseOverallStatus,
  type FileRecord,
  type FileRollup,
  type FileRollupSource,
  type LogEntry,
  type StoredStep,
  type Workflow,
} from '@steptrail/domain';
import {
  RowParseError,
  parseBoolean,
  parseInteger,
  parseText,
  parseTimestamp,
  requireInteger,
  requireText,
} from './column-parsers.js';
import type { ValueKind } from '../dialect.js';

type Row = Record<string, unknown>;

/** The rollup's columns on a file row, the rollup field each holds and its type; keep in step with toFileRollup. */
export const ROLLUP_COLUMNS: ReadonlyArray<readonly [string, keyof FileRollup, ValueKind]> = [
  ['processing_status', 'status', 'text'],
  ['has_errors', 'hasErrors', 'boolean'],
  ['total_steps', 'totalSteps', 'integer'],
  ['completed_steps', 'completedSteps', 'integer'],
  ['failed_steps', 'failedSteps', 'integer'],
  ['in_progress_steps', 'inProgressSteps', 'integer'],
  ['skipped_steps', 'skippedSteps', 'integer'],
  ['last_step', 'lastStep', 'text'],
  ['status_changed_at', 'statusChangedAt', 'timestamp'],
];
const ROLLUP_COLUMN_NAMES = ROLLUP_COLUMNS.map(([column]) => column);

/** Files that were not deleted: a deleted file's row stays as a tombstone (docs/architecture.md#deleting-files). */
export const LIVE = 'deleted_at IS NULL';

/** Columns read for a file; keep in step with toFileRecord. */
export const FILE_COLUMNS = [
  'id',
  'filehash',
  'original_filename',
  'local_filename',
  'file_size',
  'mime_type',
  'is_duplicate',
  'duplicate_of_id',
  'workflow',
  'managed',
  ...ROLLUP_COLUMN_NAMES,
  'created_at',
  'updated_at',
].join(', ');

export function toFileRecord(row: Row): FileRecord {
  const createdAt = parseTimestamp('files.created_at', row.created_at) ?? new Date(0);
  return {
    id: requireInteger('files.id', row.id),
    filehash: requireText('files.filehash', row.filehash),
    originalFilename: parseText('files.original_filename', row.original_filename),
    localFilename: parseText('files.local_filename', row.local_filename) ?? '',
    fileSize: parseInteger('files.file_size', row.file_size) ?? 0,
    mimeType: parseText('files.mime_type', row.mime_type),
    isDuplicate: parseBoolean('files.is_duplicate', row.is_duplicate),
    duplicateOfId: parseInteger('files.duplicate_of_id', row.duplicate_of_id),
    workflow: workflowOf(row),
    managed: parseBoolean('files.managed', row.managed),
    rollup: toFileRollup(row),
    createdAt,
    updatedAt: parseTimestamp('files.updated_at', row.updated_at) ?? createdAt,
  };
}

/**
 * DocuElevate's per-file plan, read where the table has it: the store adds it to the columns it selects (see
 * fileColumns); a row without it is a file without a plan (docs/architecture.md#workflow-plans).
 */
export const WORKFLOW_PLAN_COLUMN = 'workflow_plan';

/** DocuElevate's record of where a file's processed document went, read where `files` has it (docs/architecture.md#downloads). */
export const PROCESSED_PATH_COLUMN = 'processed_file_path';

/** The columns of a file read, with DocuElevate's plan where `files` has one. */
export const fileColumns = (columns: string, hasPlan: boolean): string =>
  hasPlan ? `${columns}, ${WORKFLOW_PLAN_COLUMN}` : columns;

/** The file's workflow: its own snapshot, else its DocuElevate plan, else the default (the domain decides). */
export function workflowOf(row: Row): Workflow {
  return fileWorkflow(
    parseText('files.workflow', row.workflow),
    parseText('files.workflow_plan', row.workflow_plan),
  ).workflow;
}

/** The columns toRollupSource reads. */
export const ROLLUP_SOURCE_COLUMNS = [
  'id',
  'is_duplicate',
  'managed',
  'workflow',
  ...ROLLUP_COLUMN_NAMES,
].join(', ');

export function toRollupSource(row: Row): FileRollupSource {
  return {
    id: requireInteger('files.id', row.id),
    isDuplicate: parseBoolean('files.is_duplicate', row.is_duplicate),
    managed: parseBoolean('files.managed', row.managed),
    workflow: workflowOf(row),
    rollup: toFileRollup(row),
  };
}

function toFileRollup(row: Row): FileRollup {
  const status = parseOverallStatus(row.processing_status);
  if (!status.ok) throw new RowParseError('files.processing_status', row.processing_status, 'a file status');
  return {
    status: status.value,
    hasErrors: parseBoolean('files.has_errors', row.has_errors),
    totalSteps: requireInteger('files.total_steps', row.total_steps),
    completedSteps: requireInteger('files.completed_steps', row.completed_steps),
    failedSteps: requireInteger('files.failed_steps', row.failed_steps),
    inProgressSteps: requireInteger('files.in_progress_steps', row.in_progress_steps),
    skippedSteps: requireInteger('files.skipped_steps', row.skipped_steps),
    lastStep: parseText('files.last_step', row.last_step),
    statusChangedAt: parseTimestamp('files.status_changed_at', row.status_changed_at),
  };
}

export const STEP_COLUMNS = [
  'file_id',
  'step_name',
  'status',
  'started_at',
  'completed_at',
  'error_message',
  'attempts',
  'last_event_at',
  'last_event_id',
  'run_after',
  'lease_owner',
  'lease_expires_at',
  'created_at',
  'updated_at',
].join(', ');

export function toStoredStep(row: Row): StoredStep {
  const lastEventAt = parseTimestamp('file_processing_steps.last_event_at', row.last_event_at);
  const lastEventId = parseInteger('file_processing_steps.last_event_id', row.last_event_id);
  const createdAt = parseTimestamp('file_processing_steps.created_at', row.created_at) ?? new Date(0);
  return {
    fileId: requireInteger('file_processing_steps.file_id', row.file_id),
    stepName: requireText('file_processing_steps.step_name', row.step_name),
    status: requireText('file_processing_steps.status', row.status),
    startedAt: parseTimestamp('file_processing_steps.started_at', row.started_at),
    completedAt: parseTimestamp('file_processing_steps.completed_at', row.completed_at),
    errorMessage: parseText('file_processing_steps.error_message', row.error_message),
    attempts: parseInteger('file_processing_steps.attempts', row.attempts) ?? 0,
    lastEvent:
      lastEventAt !== null && lastEventId !== null ? { occurredAt: lastEventAt, id: lastEventId } : null,
    runAfter: parseTimestamp('file_processing_steps.run_after', row.run_after),
    leaseOwner: parseText('file_processing_steps.lease_owner', row.lease_owner),
    leaseExpiresAt: parseTimestamp('file_processing_steps.lease_expires_at', row.lease_expires_at),
    createdAt,
    updatedAt: parseTimestamp('file_processing_steps.updated_at', row.updated_at) ?? createdAt,
  };
}

export const LOG_COLUMNS =
  'l.id, l.file_id, l.task_id, l.step_name, l.status, l.message, l.detail, l.timestamp';

export function toLogEntry(row: Row): LogEntry {
  return {
    id: requireInteger('processing_logs.id', row.id),
    fileId: parseInteger('processing_logs.file_id', row.file_id),
    taskId: parseText('processing_logs.task_id', row.task_id),
    stepName: parseText('processing_logs.step_name', row.step_name),
    status: parseText('processing_logs.status', row.status),
    message: parseText('processing_logs.message', row.message),
    detail: parseText('processing_logs.detail', row.detail),
    occurredAt: logTime(row),
  };
}

/** A log row's time; a legacy row without one gets an error that names it and says what to do. */
function logTime(row: Row): Date {
  const occurredAt = parseTimestamp('processing_logs.timestamp', row.timestamp);
  if (occurredAt !== null) return occurredAt;
  throw new Error(
    `processing_logs row ${String(row.id)} (file ${String(row.file_id)}) has no timestamp: a history is ordered by ` +
      'time, so steptrail cannot place it. Give the row its UTC time, or delete it; logs-to-steps ignores it meanwhile.',
  );
}
