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
import type {
  bulkBody,
  bulkPreviewJson,
  bulkResultsQuery,
  bulkStartedJson,
  bulkStatusJson,
} from '@steptrail/api-schema/bulk.schemas.js';
import type {
  failureTriageJson,
  failuresQuery,
  stepTimingsJson,
  timingsQuery,
} from '@steptrail/api-schema/insights.schemas.js';
import type {
  createdWebhookJson,
  createWebhookBody,
  deliveryAttemptsJson,
  deliveryListJson,
  testDeliveryJson,
  updateWebhookBody,
  webhookJson,
} from '@steptrail/api-schema/webhook.schemas.js';
import type { heartbeatJson, stuckPageJson, stuckQuery } from '@steptrail/api-schema/stall.schemas.js';
import type {
  createdFileJson,
  fileCountsJson,
  fileDetailJson,
  fileListJson,
  fileWithStatusJson,
  patchFileBody,
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
export type FileWithStatus = z.input<typeof fileWithStatusJson>;
export type PatchFile = z.input<typeof patchFileBody>;
export type FailuresQuery = Partial<z.input<typeof failuresQuery>>;
export type FailureTriage = z.input<typeof failureTriageJson>;
export type TimingsQuery = Partial<z.input<typeof timingsQuery>>;
export type StepTimings = z.input<typeof stepTimingsJson>;
export type BulkKind = z.input<typeof bulkStartedJson>['operation']['kind'];
export type BulkBody = z.input<typeof bulkBody>;
export type BulkFilter = BulkBody['filter'];
export type BulkPreview = z.input<typeof bulkPreviewJson>;
export type BulkStarted = z.input<typeof bulkStartedJson>;
export type BulkOperation = BulkStarted['operation'];
export type BulkResultsQuery = Partial<z.input<typeof bulkResultsQuery>>;
export type BulkStatus = z.input<typeof bulkStatusJson>;
export type Webhook = z.input<typeof webhookJson>;
export type WebhookEvent = Webhook['events'][number];
export type CreateWebhook = z.input<typeof createWebhookBody>;
export type CreatedWebhook = z.input<typeof createdWebhookJson>;
export type UpdateWebhook = z.input<typeof updateWebhookBody>;
export type WebhookDeliveries = z.input<typeof deliveryListJson>;
export type Delivery = WebhookDeliveries['deliveries'][number];
export type TestDelivery = z.input<typeof testDeliveryJson>;
export type DeliveryAttempts = z.input<typeof deliveryAttemptsJson>;
export type DeliveryAttempt = DeliveryAttempts['attempts'][number];

/** The parts of the OpenAPI document a client reads to learn what this server offers. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<{
          name: string;
          in: string;
          schema?: { enum?: unknown[]; items?: { enum?: unknown[] } };
        }>;
      }
    >
  >;
}
