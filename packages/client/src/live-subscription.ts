import type { FileChange, LogEntry, ReadyMessage } from './api-types.js';
import { apiError, SteptrailApiError } from './errors.js';
import { backoffDelay, retryableStatus, type RetryPolicy } from './retry-policy.js';
import { SseParser } from './sse-parser.js';
import type { Transport } from './transport.js';

/** A message of GET /api/events, its data parsed. `id` is the log id a reconnect resumes after. */
export type LiveEvent =
  | { event: 'ready'; id: null; data: ReadyMessage }
  | { event: 'step' | 'note'; id: number; data: LogEntry }
  | { event: 'file'; id: number; data: FileChange };

export interface SubscribeOptions {
  /** Start after this log id (a saved `lastEventId`); from now when absent. */
  lastEventId?: number;
  /** Called on every disconnect that will be retried, with the wait before the next attempt. */
  onDisconnect?: (error: unknown, delayMs: number) => void;
  /** Called once when the subscription stops for good because the API refused it (a bad token, a 404). */
  onError?: (error: unknown) => void;
}

export interface Subscription {
  /** The id of the last message received: where a reconnect resumes. */
  readonly lastEventId: number | null;
  /** How many times the stream was reopened after a disconnect. */
  readonly reconnects: number;
  /** Stops the stream; resolves when it has stopped. */
  close(): Promise<void>;
  /** Resolves when the subscription has stopped (close(), or a refusal reported to onError). */
  readonly done: Promise<void>;
}

/**
 * GET /api/events read with fetch (an EventSource cannot send a bearer token), reopened after every disconnect with
 * Last-Event-ID so no change is missed or repeated (docs/architecture.md#the-client).
 */
export function subscribe(
  transport: Transport,
  retry: RetryPolicy,
  handler: (event: LiveEvent) => void | Promise<void>,
  options: SubscribeOptions = {},
): Subscription {
  const abort = new AbortController();
  const state = { lastEventId: options.lastEventId ?? null, reconnects: 0 };
  const run = async () => {
    let failures = 0;
    while (!abort.signal.aborted) {
      let serverRetry: number | null = null;
      try {
        serverRetry = await readStream(transport, state, handler, abort.signal, () => (failures = 0));
        if (abort.signal.aborted) return;
        throw new Error('the server ended the stream');
      } catch (error) {
        if (abort.signal.aborted) return;
        if (error instanceof SteptrailApiError && !retryableStatus(error.status)) {
          options.onError?.(error);
          return;
        }
        failures += 1;
        const delay = Math.min(serverRetry ?? retry.maxDelayMs, backoffDelay(retry, failures, null));
        options.onDisconnect?.(error, delay);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          abort.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
        state.reconnects += 1;
      }
    }
  };
  const done = run();
  return {
    get lastEventId() {
      return state.lastEventId;
    },
    get reconnects() {
      return state.reconnects;
    },
    done,
    async close() {
      abort.abort();
      await done;
    },
  };
}

/** Reads one connection until it ends; returns the server's retry time. Throws SteptrailApiError on a refusal. */
async function readStream(
  transport: Transport,
  state: { lastEventId: number | null },
  handler: (event: LiveEvent) => void | Promise<void>,
  signal: AbortSignal,
  connected: () => void,
): Promise<number | null> {
  const resume: Record<string, string> =
    state.lastEventId === null ? {} : { 'last-event-id': String(state.lastEventId) };
  const response = await transport.fetch(transport.url('/api/events'), {
    headers: transport.headers({ accept: 'text/event-stream', ...resume }),
    signal,
  });
  if (!response.ok) throw await apiError(response);
  if (response.body === null) throw new Error('GET /api/events answered no body');
  connected();
  const parser = new SseParser();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return parser.serverRetry;
      for (const message of parser.push(value)) {
        const event = toLiveEvent(message.event, message.id, message.data);
        if (event === null) continue;
        await handler(event);
        if (event.id !== null) state.lastEventId = event.id;
      }
    }
  } finally {
    reader.releaseLock();
  }
}

function toLiveEvent(event: string, id: string | null, data: string): LiveEvent | null {
  const parsed = JSON.parse(data) as unknown;
  const logId = id === null ? null : Number(id);
  if (event === 'ready') return { event, id: null, data: parsed as ReadyMessage };
  if (logId === null || !Number.isInteger(logId)) return null;
  if (event === 'step' || event === 'note') return { event, id: logId, data: parsed as LogEntry };
  if (event === 'file') return { event, id: logId, data: parsed as FileChange };
  return null;
}
