import {
  SteptrailApiError,
  SteptrailClient,
  SteptrailNetworkError,
  type LiveEvent,
  type Subscription,
} from '@steptrail/client';

// The dashboard talks to the API only through @steptrail/client, the same client pipelines and the CLI use
// (docs/architecture.md#dashboard): one client for the page, rebuilt when the operator enters or forgets a token (kept
// for this tab only), and one live stream shared by every view.

const TOKEN_KEY = 'steptrail-token';

export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string): void => {
    sessionStorage.setItem(TOKEN_KEY, value);
    current = null;
  },
  clear: (): void => {
    sessionStorage.removeItem(TOKEN_KEY);
    current = null;
  },
};

type AuthListener = (reason: string) => void;
const authListeners = new Set<AuthListener>();

/** Called with the API's message whenever a request is answered 401: the app shows its token prompt. */
export function onAuthRequired(listener: AuthListener): () => void {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

/** Tells the app a request was refused for want of a token (also for the upload, which is not a fetch). */
export function noticeRefusal(error: unknown): void {
  if (error instanceof SteptrailApiError && error.status === 401)
    for (const listener of authListeners) listener(error.message);
}

let current: SteptrailClient | null = null;

/** The client for the current token. A page's reads are retried twice at most: the operator is waiting. */
export function client(): SteptrailClient {
  current ??= new SteptrailClient({
    url: location.origin,
    token: token.get(),
    retry: { attempts: 3, baseDelayMs: 300, maxDelayMs: 3000 },
    fetch: async (input, init) => {
      const response = await fetch(input, { ...init, cache: 'no-store' });
      if (response.status === 401) {
        const body = (await response
          .clone()
          .json()
          .catch(() => null)) as { error?: { message?: string } } | null;
        const reason = body?.error?.message ?? 'The API needs a bearer token.';
        for (const listener of authListeners) listener(reason);
      }
      return response;
    },
  });
  return current;
}

/** The message to show for any rejection. */
export const describeError = (error: unknown): string =>
  error instanceof SteptrailApiError
    ? `${error.message} (${error.code})`
    : error instanceof SteptrailNetworkError
      ? 'The API could not be reached.'
      : error instanceof Error
        ? error.message
        : String(error);

export type LiveState = 'connecting' | 'live' | 'offline' | 'unauthorized';
type Listener = (event: LiveEvent) => void;
type StateListener = (state: LiveState) => void;

const listeners = new Set<Listener>();
const stateListeners = new Set<StateListener>();
let state: LiveState = 'connecting';
let subscription: Subscription | null = null;

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

/**
 * Starts (or restarts, after a new token) the page's one GET /api/events stream. The client reconnects with
 * Last-Event-ID after a drop, so no change is missed; `ready` says the stream is live again.
 */
export function connectLive(): void {
  const previous = subscription;
  void previous?.close();
  setState('connecting');
  subscription = client().subscribe(
    (event) => {
      if (event.event === 'ready') setState('live');
      for (const listener of listeners) listener(event);
    },
    {
      ...(previous?.lastEventId == null ? {} : { lastEventId: previous.lastEventId }),
      onDisconnect: () => setState('offline'),
      // A refusal ends the stream; a new token starts it again through connectLive().
      onError: () => setState('unauthorized'),
    },
  );
}
