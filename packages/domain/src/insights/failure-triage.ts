import type { FailedStepRow } from '../ports/step-statistics.js';
import { normalizeErrorMessage } from './error-normalization.js';

/** Failed steps of one step name whose errors normalize to the same text. */
export interface FailureGroup {
  stepName: string;
  /** The normalized message. */
  error: string;
  /** One of the original messages, the latest. */
  example: string | null;
  count: number;
  firstSeen: Date;
  lastSeen: Date;
  /** The latest failed files, at most the sample size, latest first. */
  sampleFileIds: number[];
}

/**
 * Groups failed steps by step and normalized error (docs/architecture.md#failure-triage): the biggest group
 * first, then the most recent, then by step and error so the order is total.
 */
export function groupFailures(rows: readonly FailedStepRow[], sampleSize: number): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  const latestFirst = [...rows].sort(
    (a, b) => b.failedAt.getTime() - a.failedAt.getTime() || b.fileId - a.fileId,
  );
  for (const row of latestFirst) {
    const error = normalizeErrorMessage(row.errorMessage);
    const key = JSON.stringify([row.stepName, error]);
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, {
        stepName: row.stepName,
        error,
        example: row.errorMessage,
        count: 1,
        firstSeen: row.failedAt,
        lastSeen: row.failedAt,
        sampleFileIds: sampleSize > 0 ? [row.fileId] : [],
      });
      continue;
    }
    group.count += 1;
    group.firstSeen = row.failedAt;
    if (group.sampleFileIds.length < sampleSize) group.sampleFileIds.push(row.fileId);
  }
  return [...groups.values()].sort(
    (a, b) =>
      b.count - a.count ||
      b.lastSeen.getTime() - a.lastSeen.getTime() ||
      a.stepName.localeCompare(b.stepName) ||
      a.error.localeCompare(b.error),
  );
}
