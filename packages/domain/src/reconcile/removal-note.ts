import type { LogEntry } from '../events/step-event.js';

/**
 * The history note the database writes when another program deletes a file row (docs/architecture.md#foreign-deletes).
 * A trigger on `files` appends it in the deleting transaction, with no `file_id` (on DocuElevate's schema
 * `processing_logs.file_id` references `files(id)`, and that row is gone), this task id as its mark and the file id
 * as its detail. Each adapter's migration builds the trigger from these parts, so the rule is written once.
 */
export const REMOVAL_NOTE = {
  taskId: 'steptrail:file-removed',
  /** The message is `${messagePrefix}<id>${messageSuffix}`. */
  messagePrefix: 'File ',
  messageSuffix: ' was deleted by another program',
} as const;

/** The file a removal note reports deleted, or null when the row is any other history. */
export function removedFileOf(entry: LogEntry): number | null {
  if (entry.taskId !== REMOVAL_NOTE.taskId || entry.fileId !== null || entry.stepName !== null) return null;
  if (entry.status !== null || entry.detail === null || !/^[1-9][0-9]{0,15}$/.test(entry.detail)) return null;
  const fileId = Number(entry.detail);
  return Number.isSafeInteger(fileId) ? fileId : null;
}
