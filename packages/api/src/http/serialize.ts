import {
  overallStatusOf,
  type EventPosition,
  type FileCursor,
  type FileRecord,
  type FileSort,
  type LogEntry,
  type OverallStatusResult,
  type RecordedEvent,
  type StepSummary,
  type StepView,
} from '@steptrail/domain';
import type { z } from 'zod';
import { MAX_ID, withinEventTimes } from '@steptrail/api-schema/common.schemas.js';
import type {
  fileJson,
  fileListJson,
  overallStatusJson,
  stepSummaryJson,
} from '@steptrail/api-schema/file.schemas.js';
import type { eventRecordedJson, logEntryJson, stepStateJson } from '@steptrail/api-schema/step.schemas.js';

// Domain values to the JSON the schemas describe: dates become ISO strings, nothing else changes shape.

const iso = (date: Date): string => date.toISOString();
const isoOrNull = (date: Date | null): string | null => (date === null ? null : date.toISOString());

export function fileToJson(file: FileRecord): z.input<typeof fileJson> {
  return {
    id: file.id,
    filehash: file.filehash,
    originalFilename: file.originalFilename,
    localFilename: file.localFilename,
    fileSize: file.fileSize,
    mimeType: file.mimeType,
    isDuplicate: file.isDuplicate,
    duplicateOfId: file.duplicateOfId,
    workflow: { name: file.workflow.name, steps: [...file.workflow.steps] },
    managed: file.managed,
    lastStep: file.rollup.lastStep,
    statusChangedAt: isoOrNull(file.rollup.statusChangedAt),
    createdAt: iso(file.createdAt),
    updatedAt: iso(file.updatedAt),
  };
}

export function overallToJson(status: OverallStatusResult): z.input<typeof overallStatusJson> {
  return overallStatusOf(status);
}

export const summaryToJson = (summary: StepSummary): z.input<typeof stepSummaryJson> => ({
  main: { ...summary.main },
  uploads: { ...summary.uploads },
  totalMainSteps: summary.totalMainSteps,
  totalUploadTasks: summary.totalUploadTasks,
});

export const listItemToJson = (file: FileRecord): z.input<typeof fileListJson>['items'][number] => ({
  id: file.id,
  originalFilename: file.originalFilename,
  status: file.rollup.status,
  hasErrors: file.rollup.hasErrors,
  lastStep: file.rollup.lastStep,
  createdAt: iso(file.createdAt),
  updatedAt: iso(file.updatedAt),
});

const stepFieldsToJson = (step: Omit<StepView, 'stoppedBy'>) => ({
  status: step.status,
  startedAt: isoOrNull(step.startedAt),
  completedAt: isoOrNull(step.completedAt),
  errorMessage: step.errorMessage,
  attempts: step.attempts,
});

export const stepToJson = (step: StepView): z.input<typeof stepStateJson> => ({
  ...stepFieldsToJson(step),
  stoppedBy: step.stoppedBy,
});

export const recordedToJson = (event: RecordedEvent): z.input<typeof eventRecordedJson> => ({
  step: { name: event.stepName, ...stepFieldsToJson(event.step) },
  status: overallToJson(event.status),
  logId: event.logId,
  counting: { counts: event.counting.counts, reason: event.counting.reason },
});

export const logToJson = (log: LogEntry): z.input<typeof logEntryJson> => ({
  id: log.id,
  fileId: log.fileId,
  taskId: log.taskId,
  stepName: log.stepName,
  status: log.status,
  message: log.message,
  detail: log.detail,
  occurredAt: iso(log.occurredAt),
});

/** Log pages continue after an (occurredAt, id) position; the cursor is that position, opaque to clients. */
export const encodeLogCursor = (position: EventPosition): string =>
  Buffer.from(`${position.occurredAt.toISOString()}|${position.id}`, 'utf8').toString('base64url');

export function decodeLogCursor(cursor: string): EventPosition | null {
  const [time, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (time === undefined || id === undefined || extra !== undefined || !/^\d{1,10}$/.test(id)) return null;
  if (Number(id) > MAX_ID) return null;
  const occurredAt = new Date(time);
  // Only times an event can have: a crafted year 0 or 275760 would otherwise reach the database's comparison.
  if (Number.isNaN(occurredAt.getTime()) || !withinEventTimes(occurredAt)) return null;
  return occurredAt.toISOString() === time ? { occurredAt, id: Number(id) } : null;
}

/** A file search position as an opaque cursor: the sort it belongs to, the sort value and the id. */
export const encodeFileCursor = (cursor: FileCursor): string =>
  Buffer.from(
    JSON.stringify([cursor.sort.key, cursor.sort.direction, cursor.value?.toISOString() ?? null, cursor.id]),
    'utf8',
  ).toString('base64url');

/** The position in a cursor made for this sort, or null when it is not one. */
export function decodeFileCursor(text: string, sort: FileSort): FileCursor | null {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(decoded) || decoded.length !== 4) return null;
  const [key, direction, value, id] = decoded as unknown[];
  if (key !== sort.key || direction !== sort.direction) return null;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > MAX_ID) return null;
  if (value === null) return { sort, value: null, id };
  if (typeof value !== 'string') return null;
  const time = new Date(value);
  // Only times steptrail stores: a crafted year 0 or 275760 would otherwise reach the database's comparison.
  if (!withinEventTimes(time) || time.toISOString() !== value) return null;
  return { sort, value: time, id };
}
