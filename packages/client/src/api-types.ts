// The shapes the client sends and receives, taken from the API's own zod schemas (docs/architecture.md#the-client):
// `import type` only, so neither zod nor the domain reaches a browser bundle. Request bodies and query strings are
// the schemas' inputs; answers are what the server serializes, also the inputs of its response schemas.
import type { z } from 'zod';
import type { fileChangeJson, readyMessageJson } from '@steptrail/api-schema/event.schemas.js';
import type {
  batchAnswerJson,
  batchEventJson,
  batchResultJson,
} from '@steptrail/api-schema/event-batch.schemas.js';
import type { listFilesQuery } from '@steptrail/api-schema/file-filter.schemas.js';
import type { heartbeatJson, stuckPageJson, stuckQuery } from '@steptrail/api-schema/stall.schemas.js';
import type {
  createdFileJson,
  fileCountsJson,
  fileDetailJson,
  fileListJson,
  registerFileBody,
} from '@steptrail/api-schema/file.schemas.js';
import type {
  eventBody,
  eventRecordedJson,
  logEntryJson,
  logPageJson,
  logsQuery,
  retriedJson,
  retryBody,
  stepsJson,
} from '@steptrail/api-schema/step.schemas.js';

export type EventInput = z.input<typeof eventBody>;
export type BatchEvent = z.input<typeof batchEventJson>;
export type EventRecorded = z.input<typeof eventRecordedJson>;
export type BatchAnswer = z.input<typeof batchAnswerJson>;
export type BatchEventResult = z.input<typeof batchResultJson>;
export type ListFilesQuery = Partial<z.input<typeof listFilesQuery>>;
export type FileList = z.input<typeof fileListJson>;
export type FileCounts = z.input<typeof fileCountsJson>;
export type FileDetail = z.input<typeof fileDetailJson>;
export type RegisterFile = z.input<typeof registerFileBody>;
export type CreatedFile = z.input<typeof createdFileJson>;
export type Steps = z.input<typeof stepsJson>;
export type StepState = Steps['steps'][string];
export type LogEntry = z.input<typeof logEntryJson>;
export type LogPage = z.input<typeof logPageJson>;
export type LogsQuery = Partial<z.input<typeof logsQuery>>;
export type RetryBody = z.input<typeof retryBody>;
export type Retried = z.input<typeof retriedJson>;
export type FileChange = z.input<typeof fileChangeJson>;
export type ReadyMessage = z.input<typeof readyMessageJson>;
export type Heartbeat = z.input<typeof heartbeatJson>;
export type StuckQuery = Partial<z.input<typeof stuckQuery>>;
export type StuckPage = z.input<typeof stuckPageJson>;
export type { DownloadKind } from '@steptrail/api-schema/download.schemas.js';
