// What the API sends, as the API's own zod schemas describe it: one source, imported as types only, so nothing of
// zod or the domain reaches the bundle (docs/architecture.md#dashboard).
import type { z } from 'zod';
import type { OverallStatus, StepStatus } from '@steptrail/domain';
import type { errorResponse } from '@steptrail/api-schema/common.schemas.js';
import type { fileChangeJson, readyMessageJson } from '@steptrail/api-schema/event.schemas.js';
import type { listFilesQuery } from '@steptrail/api-schema/file-filter.schemas.js';
import type { failureTriageJson, stepTimingsJson } from '@steptrail/api-schema/insights.schemas.js';
import type { fileDetailJson, fileListJson, fileWithStatusJson } from '@steptrail/api-schema/file.schemas.js';
import type {
  logEntryJson,
  logPageJson,
  retriedJson,
  stepsJson,
  stepStateJson,
} from '@steptrail/api-schema/step.schemas.js';

export type { OverallStatus, StepStatus };
export type FileList = z.input<typeof fileListJson>;
export type FileListItem = FileList['items'][number];
export type StatusCounts = FileList['counts'];
export type FileDetail = z.input<typeof fileDetailJson>;
export type FileJson = FileDetail['file'];
export type FileWithStatus = z.input<typeof fileWithStatusJson>;
export type Steps = z.input<typeof stepsJson>;
export type StepState = z.input<typeof stepStateJson>;
export type LogEntry = z.input<typeof logEntryJson>;
export type LogPage = z.input<typeof logPageJson>;
export type Retried = z.input<typeof retriedJson>;
export type ApiErrorBody = z.input<typeof errorResponse>;
export type FileChange = z.input<typeof fileChangeJson>;
export type ReadyMessage = z.input<typeof readyMessageJson>;
export type ListFilesQuery = z.input<typeof listFilesQuery>;
export type FailureTriage = z.input<typeof failureTriageJson>;
export type FailureGroup = FailureTriage['groups'][number];
export type StepTimings = z.input<typeof stepTimingsJson>;
