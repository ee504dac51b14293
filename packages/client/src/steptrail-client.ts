import type {
  BatchAnswer,
  BatchEvent,
  CreatedFile,
  EventInput,
  EventRecorded,
  FileCounts,
  FileDetail,
  FileList,
  Heartbeat,
  ListFilesQuery,
  LogPage,
  LogsQuery,
  RegisterFile,
  Retried,
  RetryBody,
  Steps,
  StuckPage,
  StuckQuery,
} from './api-types.js';
import { dispositionName } from '@steptrail/api-schema/content-disposition.js';
import type { DownloadKind } from '@steptrail/api-schema/download.schemas.js';
import { EventBatcher, type BatchOutcome, type BatchSummary } from './event-batcher.js';
import { subscribe, type LiveEvent, type SubscribeOptions, type Subscription } from './live-subscription.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry-policy.js';
import { StepReporter, type ReportExtras } from './step-reporter.js';
import { Transport } from './transport.js';

/** What `download` answers: the bytes as a stream, with what the API says about them. */
export interface FileDownload {
  name: string;
  contentType: string | null;
  size: number | null;
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

  /** Steps stalled in progress or runnable and unclaimed, with reason and age (GET /api/stuck). */
  /**
   * A file's original (as uploaded) or processed document, as the name the API offers, its media type, size and
   * a body to stream. Rejects with CONTENT_NOT_FOUND (404) when the file has none. Not retried: it may be large.
   */
  async download(fileId: number, kind: DownloadKind): Promise<FileDownload> {
    const response = await this.transport.stream(`/api/files/${fileId}/download/${kind}`);
    const length = response.headers.get('content-length');
    if (response.body === null) throw new Error(`GET /api/files/${fileId}/download/${kind} answered no body`);
    return {
      name: dispositionName(response.headers.get('content-disposition')) ?? `file-${fileId}`,
      contentType: response.headers.get('content-type'),
      size: length === null ? null : Number(length),
      body: response.body,
    };
  }

  listStuck(query: StuckQuery = {}): Promise<StuckPage> {
    return this.get('/api/stuck', query);
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
