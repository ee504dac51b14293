import type { OverallStatus } from '../status/step-status.js';
import type { FileRecord, StoredStep } from './file-record.js';

/**
 * Which files a search, a failure drill-down or a bulk operation selects; every field narrows the set
 * (docs/architecture.md#file-search). Step filters look at failed steps only: "failed at step X with an error
 * containing Y" is the question an operator asks, and the one the partial index of failed steps answers.
 */
export interface FileFilter {
  /** Files whose rollup status is one of these. */
  statuses?: readonly OverallStatus[];
  /** Case-insensitive substring of the original filename. */
  search?: string;
  /** Files with a failed step whose error message contains this text, case-insensitively. */
  errorText?: string;
  /** Files whose step of this name failed. */
  failedStep?: string;
  /** Files with at least one failed step (implied by errorText and failedStep). */
  hasFailedStep?: boolean;
  /** Exact MIME type. */
  mimeType?: string;
  /** Lower-case hexadecimal start of the content hash. */
  hashPrefix?: string;
  /** Created at or after. */
  createdFrom?: Date;
  /** Created strictly before. */
  createdBefore?: Date;
  /** Last changed at or after. */
  updatedFrom?: Date;
  /** Last changed strictly before. */
  updatedBefore?: Date;
  /** Only these ids. */
  ids?: readonly number[];
}

export const FILE_SORT_KEYS = ['id', 'created', 'updated'] as const;
export type FileSortKey = (typeof FILE_SORT_KEYS)[number];
export const SORT_DIRECTIONS = ['asc', 'desc'] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

export interface FileSort {
  key: FileSortKey;
  direction: SortDirection;
}

/** Newest first: the list's order when none is asked for. */
export const DEFAULT_FILE_SORT: FileSort = Object.freeze({ key: 'id', direction: 'desc' });

/**
 * A keyset position: the sort value and id of the last file of a page. `value` is null for a file without that
 * time (rows another program wrote); such files sort before every timed one (docs/architecture.md#file-search).
 */
export interface FileCursor {
  sort: FileSort;
  value: Date | null;
  id: number;
}

/** Whether `hash` starts with `prefix`. Hashes are stored lower-case, and the prefix is. */
export const hashHasPrefix = (hash: string, prefix: string): boolean => hash.startsWith(prefix);

/**
 * The smallest text above every text starting with `prefix`, so `hash >= prefix AND hash < bound` is an index
 * range (LIKE is not one on every database).
 */
export function prefixUpperBound(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return `${prefix.slice(0, -1)}${String.fromCharCode(last + 1)}`;
}

const within = (value: Date, from: Date | undefined, before: Date | undefined): boolean =>
  (from === undefined || value.getTime() >= from.getTime()) &&
  (before === undefined || value.getTime() < before.getTime());

/** Whether a step row matches the filter's step conditions (failed, of that name, with that error text). */
export function failedStepMatches(
  step: Pick<StoredStep, 'status' | 'stepName' | 'errorMessage'>,
  filter: FileFilter,
): boolean {
  if (step.status !== 'failure') return false;
  if (filter.failedStep !== undefined && step.stepName !== filter.failedStep) return false;
  if (filter.errorText === undefined) return true;
  return (step.errorMessage ?? '').toLowerCase().includes(filter.errorText.toLowerCase());
}

/** Whether the filter looks at step rows at all. */
export const filtersSteps = (filter: FileFilter): boolean =>
  filter.hasFailedStep === true || filter.errorText !== undefined || filter.failedStep !== undefined;

/**
 * The filter's conditions on the file row itself, as every store must apply them (the in-memory store runs this;
 * SQL stores restate it, and the conformance suite checks that they agree).
 */
export function fileRowMatches(file: FileRecord, filter: FileFilter): boolean {
  if (filter.statuses !== undefined && !filter.statuses.includes(file.rollup.status)) return false;
  if (filter.ids !== undefined && !filter.ids.includes(file.id)) return false;
  if (filter.mimeType !== undefined && file.mimeType !== filter.mimeType) return false;
  if (filter.hashPrefix !== undefined && !hashHasPrefix(file.filehash, filter.hashPrefix)) return false;
  if (filter.search !== undefined && filter.search !== '') {
    if (!(file.originalFilename ?? '').toLowerCase().includes(filter.search.toLowerCase())) return false;
  }
  return (
    within(file.createdAt, filter.createdFrom, filter.createdBefore) &&
    within(file.updatedAt, filter.updatedFrom, filter.updatedBefore)
  );
}

/** The file's value for a sort key. */
export function sortValue(
  file: Pick<FileRecord, 'id' | 'createdAt' | 'updatedAt'>,
  key: FileSortKey,
): Date | null {
  if (key === 'created') return file.createdAt;
  if (key === 'updated') return file.updatedAt;
  return null;
}

/** Compares two positions in ascending order: a missing time first, then by time, then by id. */
export function compareSortPositions(
  a: { value: Date | null; id: number },
  b: { value: Date | null; id: number },
): number {
  if (a.value === null && b.value !== null) return -1;
  if (a.value !== null && b.value === null) return 1;
  const byValue = a.value === null || b.value === null ? 0 : a.value.getTime() - b.value.getTime();
  return byValue !== 0 ? byValue : a.id - b.id;
}

/** Whether a position comes after the cursor in the cursor's sort direction. */
export function isAfterCursor(position: { value: Date | null; id: number }, cursor: FileCursor): boolean {
  const order = compareSortPositions(position, cursor);
  return cursor.sort.direction === 'asc' ? order > 0 : order < 0;
}
