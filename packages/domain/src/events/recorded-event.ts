import { OVERALL_STATUS_FIELDS, type OverallStatusResult } from '../status/overall-status.js';
import type { StepCounting } from '../status/step-counting.js';
import { parseOverallStatus } from '../status/step-status.js';
import type { StepState } from './step-state.fold.js';

/** The answer to one applied event: the history row it wrote, its step and its file afterwards. */
export interface RecordedEvent {
  /** The history row the event wrote. */
  logId: number;
  stepName: string;
  /** The step's state after the event; legacy rows may hold a status outside StepStatus. */
  step: Omit<StepState, 'status'> & { status: string };
  /** The file's overall status after the event. */
  status: OverallStatusResult;
  counting: StepCounting;
}

/** The stored form of a RecordedEvent (a receipt's outcome): JSON, times as ISO 8601 strings. */
export function encodeRecordedEvent(event: RecordedEvent): string {
  return JSON.stringify(event);
}

/** Reads back what encodeRecordedEvent wrote; null when the text is not such a record. */
export function decodeRecordedEvent(text: string): RecordedEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(value)) return null;
  const { logId, stepName, step, status, counting } = value;
  if (!isInteger(logId) || typeof stepName !== 'string') return null;
  if (!isRecord(step) || !isRecord(status) || !isRecord(counting)) return null;
  const parsedStep = decodeStep(step);
  const parsedStatus = decodeStatus(status);
  if (parsedStep === null || parsedStatus === null) return null;
  if (typeof counting.counts !== 'boolean') return null;
  if (counting.reason !== null && typeof counting.reason !== 'string') return null;
  return {
    logId,
    stepName,
    step: parsedStep,
    status: parsedStatus,
    counting: { counts: counting.counts, reason: counting.reason },
  };
}

function decodeStep(step: Record<string, unknown>): RecordedEvent['step'] | null {
  const { status, startedAt, completedAt, errorMessage, attempts } = step;
  if (typeof status !== 'string' || !isInteger(attempts)) return null;
  if (errorMessage !== null && typeof errorMessage !== 'string') return null;
  const started = timeOrNull(startedAt);
  const completed = timeOrNull(completedAt);
  if (started === undefined || completed === undefined) return null;
  return { status, startedAt: started, completedAt: completed, errorMessage, attempts };
}

function decodeStatus(status: Record<string, unknown>): OverallStatusResult | null {
  const overall = parseOverallStatus(status.status);
  if (!overall.ok || typeof status.hasErrors !== 'boolean') return null;
  const { totalSteps, completedSteps, failedSteps, inProgressSteps, skippedSteps } = status;
  const counts = [totalSteps, completedSteps, failedSteps, inProgressSteps, skippedSteps];
  if (!counts.every(isInteger)) return null;
  const decoded: OverallStatusResult = {
    status: overall.value,
    hasErrors: status.hasErrors,
    totalSteps: Number(totalSteps),
    completedSteps: Number(completedSteps),
    failedSteps: Number(failedSteps),
    inProgressSteps: Number(inProgressSteps),
    skippedSteps: Number(skippedSteps),
  };
  // OVERALL_STATUS_FIELDS names every field: a field added there and not here fails this check.
  return OVERALL_STATUS_FIELDS.every((field) => decoded[field] !== undefined) ? decoded : null;
}

/** A Date from an ISO string, null for null, undefined for anything else. */
function timeOrNull(value: unknown): Date | null | undefined {
  if (value === null) return null;
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value);
