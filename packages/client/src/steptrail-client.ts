import type {
  BatchAnswer,
  BatchEvent,
  CreatedFile,
  EventInput,
  EventRecorded,
  FailuresQuery,
  FailureTriage,
  FileCounts,
  FileDetail,
  FileList,
  FileWithStatus,
  Heartbeat,
  ListFilesQuery,
  LogPage,
  LogsQuery,
  OpenApiDocument,
  PatchFile,
  RegisterFile,
  Retried,
  RetryBody,
  Steps,
  StepTimings,
  StuckPage,
  StuckQuery,
  TimingsQuery,
} from './api-types.js';
import { BulkCalls } from './bulk-calls.js';
import { dispositionName } from '@steptrail/api-schema/content-disposition.js';
import type { DownloadKind } from '@steptrail/api-schema/download.schemas.js';
import { SteptrailApiError } from './errors.js';
import { EventBatcher, type BatchOutcome, type BatchSummary } from './event-batcher.js';
import { subscribe, type LiveEvent, type SubscribeOptions, type Subscription } from './live-subscription.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry-policy.js';
import { StepReporter, type ReportExtras } from './step-reporter.js';
import { Transport } from './transport.js';
import { WebhookCalls } from './webhook-calls.js';

/** What `downloadInfo` answers: what the API says about a download, without its bytes. */
export interface DownloadInfo {
  name: string;
  contentType: string | null;
  size: number | null;
}

/** What `download` answers: the bytes as a stream, with what the API says about them. */
export interface FileDownload extends DownloadInfo {
  body: ReadableStream<Uint8Array>;
}

export interface ClientOptions {
  /** The API's base URL, e.g. http://localhost:8080. */
  url: string;
  /** A token of API_TOKENS, sent as `Authorization: Bearer`; none for an API without tokens. */
  token?: string | null;
  retry?: Partial<RetryPolicy>;
  /** Per attempt (default 30 s). */
  timeoutMs?: number;
  batch?: { maxSize?: number; flushIntervalMs?: number };
  /** Another fetch (tests, a proxy agent); globalThis.fetch when absent. */
  fetch?: typeof fetch;
}

/**
 * The steptrail API from TypeScript (docs/architecture.md#the-client): typed reads, events that carry an id this
 * client generates (so every retry is safe: the API writes an event once), batches, and the live stream.
 */
export class SteptrailClient {
  private readonly transport: Transport;
  private readonly retry: RetryPolicy;
  private readonly batcher: EventBatcher;
  private readonly subscriptions = new Set<Subscription>();
  /** Bulk retry and delete operations (POST /api/retries, /api/deletions). */
  readonly bulk: BulkCalls;
  /** Webhook subscriptions and their deliveries (/api/webhooks). */
  readonly webhooks: WebhookCalls;

  constructor(options: ClientOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.transport = new Transport({
      baseUrl: options.url,
      token: options.token ?? null,
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      retry: this.retry,
      timeoutMs: options.timeoutMs ?? 30_000,
    });
    this.batcher = new EventBatcher({
      maxSize: Math.min(options.batch?.maxSize ?? 500, 1000),
      flushIntervalMs: options.batch?.flushIntervalMs ?? 1000,
      send: (events) => this.recordBatch(events),
    });
    this.bulk = new BulkCalls(this.transport);
    this.webhooks = new WebhookCalls(this.transport);
  }

  /** A new event id: a random UUID, from the platform's crypto (Node >= 20 and every current browser). */
  static eventId(): string {
    return globalThis.crypto.randomUUID();
  }

  listFiles(query: ListFilesQuery = {}): Promise<FileList> {
    return this.get('/api/files', query);
  }

  /** Files per status across the whole database, counted at the request (GET /api/counts). */
  countFiles(): Promise<FileCounts> {
    return this.get('/api/counts');
  }

  getFile(fileId: number): Promise<FileDetail> {
    return this.get(`/api/files/${fileId}`);
  }

  getSteps(fileId: number): Promise<Steps> {
    return this.get(`/api/files/${fileId}/steps`);
  }

  getLogs(fileId: number, query: LogsQuery = {}): Promise<LogPage> {
    return this.get(`/api/files/${fileId}/logs`, query);
  }

  /** Registers a file an external pipeline processes. Not retried: a repeat could register it twice. */
  registerFile(file: RegisterFile): Promise<CreatedFile> {
    return this.transport.request({ method: 'POST', path: '/api/files', body: file, idempotent: false });
  }

  /** Keeps an in-progress step from stalling (no history row, no attempt); safe to repeat, so retried. */
  heartbeat(fileId: number, stepName: string, taskId?: string): Promise<Heartbeat> {
    return this.transport.request({
      method: 'POST',
      path: `/api/files/${fileId}/steps/${encodeURIComponent(stepName)}/heartbeat`,
      body: taskId === undefined ? {} : { taskId },
      idempotent: true,
    });
  }

  /**
   * A file's original (as uploaded) or processed document, as the name the API offers, its media type, size and
   * a body to stream. Rejects with CONTENT_NOT_FOUND (404) when the file has none. Not retried: it may be large.
   */
  async download(fileId: number, kind: DownloadKind): Promise<FileDownload> {
    const response = await this.transport.stream(downloadPath(fileId, kind));
    if (response.body === null) throw new Error(`GET ${downloadPath(fileId, kind)} answered no body`);
    return { ...downloadInfo(fileId, response), body: response.body };
  }

  /** The download's address, for a link (a browser sends no bearer token with it: for an API without tokens). */
  downloadUrl(fileId: number, kind: DownloadKind): string {
    return this.transport.url(downloadPath(fileId, kind));
  }

  /** What `download` would give, asked with HEAD (no bytes sent); null when the file has no such document. */
  async downloadInfo(fileId: number, kind: DownloadKind): Promise<DownloadInfo | null> {
    try {
      return downloadInfo(
        fileId,
        await this.transport.stream(`/api/files/${fileId}/download/${kind}`, 'HEAD'),
      );
    } catch (error) {
      if (error instanceof SteptrailApiError && error.status === 404) return null;
      throw error;
    }
  }

  /** Steps stalled in progress or runnable and unclaimed, with reason and age (GET /api/stuck). */
  listStuck(query: StuckQuery = {}): Promise<StuckPage> {
    return this.get('/api/stuck', query);
  }

  /** Failed steps of a window grouped by step and normalized error, biggest group first (GET /api/failures). */
  getFailures(query: FailuresQuery = {}): Promise<FailureTriage> {
    return this.get('/api/failures', query);
  }

  /** Waiting and running time per step over a window (GET /api/timings). */
  getTimings(query: TimingsQuery = {}): Promise<StepTimings> {
    return this.get('/api/timings', query);
  }

  /** The API's OpenAPI 3.1 document: which routes and query parameters this server has. */
  getOpenApi(): Promise<OpenApiDocument> {
    return this.get('/api/openapi.json');
  }

  /** Marks a file as a duplicate (of an original, when given) or clears the mark; same answer when repeated. */
  updateFile(fileId: number, body: PatchFile): Promise<FileWithStatus> {
    return this.transport.request({ method: 'PATCH', path: `/api/files/${fileId}`, body, idempotent: true });
  }

  /** Deletes a file and its step rows (its history stays); needs the admin scope. Not retried. */
  deleteFile(fileId: number): Promise<void> {
    return this.transport.request({ method: 'DELETE', path: `/api/files/${fileId}`, idempotent: false });
  }

  /** Re-queues a file's failed steps (all when `steps` is absent). Not retried. */
  retryFile(fileId: number, body: RetryBody = {}): Promise<Retried> {
    return this.transport.request({
      method: 'POST',
      path: `/api/files/${fileId}/retry`,
      body,
      idempotent: false,
    });
  }

  /** Records one event now; an eventId is added when absent, so retries after a lost answer write it once. */
  recordEvent(fileId: number, event: EventInput): Promise<EventRecorded> {
    const body = { ...event, eventId: event.eventId ?? SteptrailClient.eventId() };
    return this.transport.request({
      method: 'POST',
      path: `/api/files/${fileId}/events`,
      body,
      idempotent: true,
    });
  }

  /** Sends up to 1,000 events in one request (ids added where absent); one result per event, in order. */
  recordBatch(events: readonly BatchEvent[]): Promise<BatchAnswer> {
    const withIds = events.map((event) => ({
      ...event,
      eventId: event.eventId ?? SteptrailClient.eventId(),
    }));
    return this.transport.request({
      method: 'POST',
      path: '/api/events',
      body: { events: withIds },
      idempotent: true,
    });
  }

  /**
   * Queues an event for the next batch (sent when full, after the flush interval, on flush() and on close()). The
   * promise resolves with the event's result once its batch is answered, and never rejects.
   */
  queueEvent(fileId: number, event: EventInput): Promise<BatchOutcome> {
    return this.batcher.add({ fileId, ...event, eventId: event.eventId ?? SteptrailClient.eventId() });
  }

  /** Events queued and not yet sent. */
  get pendingEvents(): number {
    return this.batcher.pending;
  }

  /** Sends every queued event now. */
  flush(): Promise<BatchSummary> {
    return this.batcher.flush();
  }

  /** One step of one file: `await step.start()`, then `step.succeed(message)` or `step.fail(error)`. */
  step(fileId: number, stepName: string, defaults?: ReportExtras): StepReporter {
    return new StepReporter(
      fileId,
      stepName,
      (event) => this.recordEvent(fileId, event),
      (taskId) => this.heartbeat(fileId, stepName, taskId),
      defaults,
    );
  }

  /** Follows GET /api/events; reconnects after a disconnect and resumes with Last-Event-ID. */
  subscribe(handler: (event: LiveEvent) => void | Promise<void>, options?: SubscribeOptions): Subscription {
    const subscription = subscribe(this.transport, this.retry, handler, options);
    this.subscriptions.add(subscription);
    void subscription.done.then(() => this.subscriptions.delete(subscription));
    return subscription;
  }

  /**
   * Sends what is queued and stops every subscription; call it before the process exits. Resolves with the
   * outcomes of every event queued over the client's life.
   */
  async close(): Promise<BatchSummary> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    return this.batcher.close();
  }

  private get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    return this.transport.request({ method: 'GET', path, query, idempotent: true });
  }
}

const downloadPath = (fileId: number, kind: DownloadKind): string => `/api/files/${fileId}/download/${kind}`;

function downloadInfo(fileId: number, response: Response): DownloadInfo {
  const length = response.headers.get('content-length');
  return {
    name: dispositionName(response.headers.get('content-disposition')) ?? `file-${fileId}`,
    contentType: response.headers.get('content-type'),
    size: length === null ? null : Number(length),
  };
}
