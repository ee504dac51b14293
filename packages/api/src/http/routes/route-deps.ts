import type {
  BulkOperations,
  Clock,
  OperationsInsights,
  EventIngestion,
  Result,
  StallWatch,
  StatusQueries,
  StepTracker,
  Store,
  WorkflowCatalog,
} from '@steptrail/domain';
import type { BulkRunner } from '../../bulk/bulk-runner.js';
import type { ApiConfig } from '../../config.js';
import { fromDomainError } from '../errors/error-table.js';
import type { ApiMetrics } from '../metrics/api-metrics.js';
import type { LiveEvents } from '../sse/live-events.js';
import type { ContentStore } from '../uploads/content-store.js';

/** What route handlers use; the container builds it. */
export interface RouteDeps {
  config: ApiConfig;
  store: Store;
  tracker: StepTracker;
  ingestion: EventIngestion;
  queries: StatusQueries;
  insights: OperationsInsights;
  clock: Clock;
  bulk: BulkOperations;
  bulkRunner: BulkRunner;
  workflows: WorkflowCatalog;
  live: LiveEvents;
  metrics: ApiMetrics;
  content: ContentStore;
  stalls: StallWatch;
}

/** The value of a domain Result, or the matching API error thrown. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw fromDomainError(result.error);
}
