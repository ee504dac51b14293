export {
  SteptrailClient,
  type ClientOptions,
  type DownloadInfo,
  type FileDownload,
} from './steptrail-client.js';
export { BulkCalls } from './bulk-calls.js';
export { WebhookCalls } from './webhook-calls.js';
export { StepReporter, type ReportExtras } from './step-reporter.js';
export type { BatchOutcome, BatchSummary } from './event-batcher.js';
export type { LiveEvent, SubscribeOptions, Subscription } from './live-subscription.js';
export { SteptrailApiError, SteptrailNetworkError, apiError } from './errors.js';
export { DEFAULT_RETRY, backoffDelay, type RetryPolicy } from './retry-policy.js';
export { SseParser, type SseMessage } from './sse-parser.js';
export type * from './api-types.js';
