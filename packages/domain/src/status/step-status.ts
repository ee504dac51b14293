import { domainError, err, ok, type DomainError, type Result } from '../result.js';

export const STEP_STATUSES = ['pending', 'in_progress', 'success', 'failure', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/**
 * The statuses that end a step: the fold gives a step its completion time on them and clears it on the others, and
 * only a finished step's history may be pruned. SQL that restates those rules lists these.
 */
export const FINISHED_STEP_STATUSES = [
  'success',
  'failure',
  'skipped',
] as const satisfies readonly StepStatus[];

export const OVERALL_STATUSES = ['pending', 'processing', 'completed', 'failed', 'duplicate'] as const;
export type OverallStatus = (typeof OVERALL_STATUSES)[number];

const stepStatusSet: ReadonlySet<string> = new Set(STEP_STATUSES);

export const isStepStatus = (value: unknown): value is StepStatus =>
  typeof value === 'string' && stepStatusSet.has(value);

/** Strict parse used at every write boundary: exact, lower-case values only. */
export function parseStepStatus(value: unknown): Result<StepStatus, DomainError> {
  if (isStepStatus(value)) return ok(value);
  return err(
    domainError(
      'UNKNOWN_STATUS',
      `Unknown step status ${JSON.stringify(value)}; allowed values are ${STEP_STATUSES.join(', ')}.`,
      { received: value, allowed: [...STEP_STATUSES] },
    ),
  );
}

export function parseOverallStatus(value: unknown): Result<OverallStatus, DomainError> {
  if (typeof value === 'string' && (OVERALL_STATUSES as readonly string[]).includes(value)) {
    return ok(value as OverallStatus);
  }
  return err(
    domainError(
      'UNKNOWN_STATUS',
      `Unknown file status ${JSON.stringify(value)}; allowed values are ${OVERALL_STATUSES.join(', ')}.`,
      { received: value, allowed: [...OVERALL_STATUSES] },
    ),
  );
}

/**
 * Lenient reading of a status found in a log row: case-insensitive, `queued` means `pending`.
 * Returns null for anything the fold must ignore (null, unknown words); docs/architecture.md#statuses.
 */
export function readLogStatus(raw: string | null | undefined): StepStatus | null {
  if (raw === null || raw === undefined) return null;
  const lowered = raw.toLowerCase();
  if (lowered === 'queued') return 'pending';
  return isStepStatus(lowered) ? lowered : null;
}
