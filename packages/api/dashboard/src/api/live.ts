import { authHeaders, failure } from './client.js';
import type { FileChange, LogEntry, ReadyMessage } from './types.js';

// One connection to GET /api/events for the whole page. EventSource cannot send an Authorization header, so the
// stream is read with fetch and parsed here; after a drop it reconnects with Last-Event-ID, so nothing is missed
// (docs/architecture.md#dashboard).

export type LiveEvent =
  | { kind: 'step'; entry: LogEntry }
  | { kind: 'note'; entry: LogEntry }
  | { kind: 'file'; change: FileChange }
  | { kind: 'ready'; ready: ReadyMessage };

export type LiveState = 'connecting' | 'live' | 'offline' | 'unauthorized';

type Listener = (event: LiveEvent) => void;
type StateListener = (state: LiveState) => void;

const listeners = new Set<Listener>();
const stateListeners = new Set<StateListener>();
let state: LiveState = 'connecting';
let lastEventId: string | null = null;
let controller: AbortController | null = null;

export const liveState = (): LiveState => state;

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function onLiveState(listener: StateListener): () => void {
  stateListeners.add(listener);
  return () => stateListeners.delete(listener);
}

function setState(next: LiveState): void {
  state = next;
  for (const listener of stateListeners) listener(next);
}

function dispatch(type: string, data: string): void {
  const parsed = JSON.parse(data) as unknown;
  const event: LiveEvent | null =
    type === 'step' || type === 'note'
      ? { kind: type, entry: parsed as LogEntry }
      : type === 'file'
        ? { kind: 'file', change: parsed as FileChange }
        : type === 'ready'
          ? { kind: 'ready', ready: parsed as ReadyMessage }
          : null;
  if (event === null) return;
  for (const listener of listeners) listener(event);
}

/** Parses text/event-stream blocks (separated by a blank line) and dispatches each complete one. */
function consume(buffer: string): string {
  let rest = buffer;
  for (let end = rest.indexOf('\n\n'); end >= 0; end = rest.indexOf('\n\n')) {
    const block = rest.slice(0, end);
    rest = rest.slice(end + 2);
    let type = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') lastEventId = value;
    }
    if (data.length > 0) dispatch(type, data.join('\n'));
  }
  return rest;
}

async function readOnce(signal: AbortSignal): Promise<void> {
  const headers: Record<string, string> = { Accept: 'text/event-stream', ...authHeaders() };
  if (lastEventId !== null) headers['Last-Event-ID'] = lastEventId;
  const response = await fetch('/api/events', { headers, signal, cache: 'no-store' });
  if (!response.ok || response.body === null) {
    const error = await failure(response);
    if (response.status === 401 || response.status === 403) setState('unauthorized');
    throw error;
  }
  setState('live');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer = consume((buffer + value).replace(/\r\n?/g, '\n'));
  }
}

/** Starts (or restarts, after a new token) the stream; reconnects with a growing pause until stopped. */
export function connectLive(): void {
  controller?.abort();
  const own = new AbortController();
  controller = own;
  setState('connecting');
  void (async () => {
    let pause = 500;
    while (!own.signal.aborted) {
      try {
        await readOnce(own.signal);
        pause = 500;
      } catch {
        if (own.signal.aborted) return;
        if (state === 'unauthorized') return; // resumed by connectLive() once a token is entered
        setState('offline');
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 10_000);
    }
  })();
}
