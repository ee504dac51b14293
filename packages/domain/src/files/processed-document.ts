import { compareEvents, type LogEntry } from '../events/step-event.js';

/** The step that moves a file's result into the processed store and records where (docs/architecture.md#downloads). */
export const STORAGE_STEP = 'finalize_document_storage';

/** Where a file's processed document was stored: the path its storage step recorded, and the file name in it. */
export interface ProcessedDocument {
  path: string;
  name: string;
  /** The history row that recorded it. */
  logId: number;
}

/**
 * The processed document of a file, read from its history: the path the latest successful run of the storage step
 * recorded as its `detail` (a re-run that found the move already done records no path; the earlier row still
 * names it). Null when the step never succeeded with a path, e.g. for files an external pipeline reports.
 */
export function processedDocumentOf(history: readonly LogEntry[]): ProcessedDocument | null {
  const recorded = history
    .filter(
      (entry) =>
        entry.stepName === STORAGE_STEP &&
        entry.status === 'success' &&
        entry.detail !== null &&
        entry.detail.trim() !== '',
    )
    .sort(compareEvents)
    .at(-1);
  if (recorded === undefined || recorded.detail === null) return null;
  const path = recorded.detail.trim();
  const name = path.split(/[\\/]/).at(-1) ?? path;
  return { path, name, logId: recorded.id };
}
