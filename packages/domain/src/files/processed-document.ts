import { compareEvents, type LogEntry } from '../events/step-event.js';

/** The step that moves a file's result into the processed store and records where (docs/architecture.md#downloads). */
export const STORAGE_STEP = 'finalize_document_storage';

/** Where a file's processed document may be: a path, the file name in it, and who recorded it. */
export interface ProcessedDocument {
  path: string;
  name: string;
  /** The history row that recorded it; null when it is DocuElevate's `files.processed_file_path`. */
  logId: number | null;
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
  return document(recorded.detail, recorded.id);
}

/**
 * Where to look for a file's processed document, in order: the path steptrail's storage step recorded (the newer
 * run, when both exist), then DocuElevate's own `files.processed_file_path` (an adopted file that DocuElevate
 * processed). The caller serves the first that is a regular file inside PROCESSED_DIR, so neither can name a file
 * elsewhere (docs/architecture.md#downloads).
 */
export function processedDocumentCandidates(
  history: readonly LogEntry[],
  processedFilePath: string | null,
): ProcessedDocument[] {
  const candidates: ProcessedDocument[] = [];
  const recorded = processedDocumentOf(history);
  if (recorded !== null) candidates.push(recorded);
  const column = processedFilePath?.trim() ?? '';
  if (column !== '' && column !== recorded?.path) candidates.push(document(column, null));
  return candidates;
}

function document(detail: string, logId: number | null): ProcessedDocument {
  const path = detail.trim();
  return { path, name: path.split(/[\\/]/).at(-1) ?? path, logId };
}
