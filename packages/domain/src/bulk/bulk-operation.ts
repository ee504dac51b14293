import type { StoredStep } from '../files/file-record.js';
import { parseOverallStatus } from '../status/step-status.js';
import { failedStepMatches, filtersSteps, type FileFilter } from '../files/file-search.js';

/** What a bulk operation does to each file (docs/architecture.md#bulk-operations). */
export const BULK_KINDS = ['retry', 'delete'] as const;
export type BulkKind = (typeof BULK_KINDS)[number];

/** `running` until every file has its result, then `completed`, exactly once. */
export type BulkState = 'running' | 'completed';

/** A file's result: `pending` until a chunk handles it. */
export const BULK_OUTCOMES = ['pending', 'retried', 'deleted', 'skipped'] as const;
export type BulkOutcome = (typeof BULK_OUTCOMES)[number];

export interface BulkOperation {
  id: number;
  kind: BulkKind;
  state: BulkState;
  filter: FileFilter;
  /** Who asked: the API token's name, or null for an unauthenticated loopback client. */
  createdBy: string | null;
  /** Files the filter matched when the operation started; the operation handles exactly these. */
  total: number;
  /** Files retried or deleted. */
  done: number;
  /** Files left alone, each with its reason (no failed step any more, deleted meanwhile). */
  skipped: number;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export interface NewBulkOperation {
  kind: BulkKind;
  filter: FileFilter;
  createdBy: string | null;
  total: number;
  createdAt: Date;
}

export interface BulkFileResult {
  fileId: number;
  outcome: BulkOutcome;
  detail: string | null;
  processedAt: Date | null;
}

/** The most files one operation takes: its file list is written when it starts. */
export const MAX_BULK_FILES = 10_000;

/** The files an operation of this kind selects: a retry only files with a failed step matching the filter. */
export const bulkSelection = (kind: BulkKind, filter: FileFilter): FileFilter =>
  kind === 'retry' && !filtersSteps(filter) ? { ...filter, hasFailedStep: true } : filter;

/** The steps a bulk retry re-queues in a file: its failed steps that match the filter's step conditions. */
export const retryTargets = (steps: readonly StoredStep[], filter: FileFilter): string[] =>
  steps.filter((step) => failedStepMatches(step, filter)).map((step) => step.stepName);

/** Counts as the operation row keeps them, from one chunk's results. */
export function tallyResults(results: readonly Pick<BulkFileResult, 'outcome'>[]): {
  done: number;
  skipped: number;
} {
  const done = results.filter(
    (result) => result.outcome === 'retried' || result.outcome === 'deleted',
  ).length;
  return { done, skipped: results.filter((result) => result.outcome === 'skipped').length };
}

/** The history note a bulk operation writes on each file it changes. */
export function bulkNote(operation: Pick<BulkOperation, 'id' | 'kind' | 'createdBy'>, what: string): string {
  const by =
    operation.createdBy === null ? 'an unauthenticated loopback client' : `token "${operation.createdBy}"`;
  return `Bulk ${operation.kind} operation ${operation.id} (requested by ${by}): ${what}`;
}

const DATE_FIELDS = ['createdFrom', 'createdBefore', 'updatedFrom', 'updatedBefore'] as const;
const TEXT_FIELDS = ['search', 'errorText', 'failedStep', 'mimeType', 'hashPrefix'] as const;

/** A filter as the operation row stores it: JSON, times as ISO text. */
export const encodeFileFilter = (filter: FileFilter): string => JSON.stringify(filter);

/** The filter back from its stored text; fields of the wrong type are a fault in the stored row. */
export function decodeFileFilter(text: string): FileFilter {
  const raw: unknown = JSON.parse(text);
  if (typeof raw !== 'object' || raw === null) throw new Error(`A stored filter is not an object: ${text}`);
  const record = raw as Record<string, unknown>;
  const filter: FileFilter = {};
  for (const field of TEXT_FIELDS) {
    const value = record[field];
    if (typeof value === 'string') filter[field] = value;
  }
  for (const field of DATE_FIELDS) {
    const value = record[field];
    if (typeof value === 'string') filter[field] = new Date(value);
  }
  if (record.hasFailedStep === true) filter.hasFailedStep = true;
  const statuses = record.statuses;
  if (Array.isArray(statuses)) {
    filter.statuses = statuses.flatMap((status) => {
      const parsed = parseOverallStatus(status);
      return parsed.ok ? [parsed.value] : [];
    });
  }
  const ids = record.ids;
  if (Array.isArray(ids)) filter.ids = ids.filter((id): id is number => Number.isInteger(id));
  return filter;
}
