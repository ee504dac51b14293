export { SteptrailClient, type ClientOptions, type FileDownload } from './steptrail-client.js';
export { StepReporter, type ReportExtras } from './step-reporter.js';
export type { BatchOutcome, BatchSummary } from './event-batcher.js';
export type { LiveEvent, SubscribeOptions, Subscription } from './live-subscription.js';
export { SteptrailApiError, SteptrailNetworkError } from './errors.js';
export { DEFAULT_RETRY, backoffDelay, type RetryPolicy } from './retry-policy.js';
export { SseParser, type SseMessage } from './sse-parser.js';
export type * from './api-types.js';
