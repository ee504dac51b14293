import type { ApiErrorBody } from './types.js';

// Every request of the dashboard goes through here: the bearer token (kept for this tab only), and one error type
// carrying the API's `{error: {code, message}}` (docs/architecture.md#dashboard).

const TOKEN_KEY = 'steptrail-token';

export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string): void => sessionStorage.setItem(TOKEN_KEY, value),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

/** An answer other than 2xx, with the API's code and message (or the HTTP status when the body had none). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type AuthListener = (reason: string) => void;
const authListeners = new Set<AuthListener>();

/** Called with the API's message whenever a request is answered 401: the app shows its token prompt. */
export function onAuthRequired(listener: AuthListener): () => void {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

export function authHeaders(): Record<string, string> {
  const value = token.get();
  return value === null ? {} : { Authorization: `Bearer ${value}` };
}

/** Turns a non-2xx response into an ApiError; a 401 also asks for a token. */
export async function failure(response: Response): Promise<ApiError> {
  let code = `HTTP_${response.status}`;
  let message = response.statusText || `HTTP ${response.status}`;
  try {
    const body = (await response.json()) as ApiErrorBody;
    code = body.error.code;
    message = body.error.message;
  } catch {
    // Not the API's error shape (a proxy's page): keep the HTTP status.
  }
  if (response.status === 401) for (const listener of authListeners) listener(message);
  return new ApiError(response.status, code, message);
}

/** A JSON request; resolves to the parsed body of a 2xx answer, rejects with ApiError otherwise. */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...authHeaders() };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  if (!response.ok) throw await failure(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Whether the API has an endpoint: views of optional endpoints hide when it answers 404. */
export async function hasEndpoint(path: string): Promise<boolean> {
  try {
    const response = await fetch(path, { headers: { Accept: 'application/json', ...authHeaders() } });
    return response.status !== 404;
  } catch {
    return false;
  }
}

/** The message to show for any rejection. */
export const describeError = (error: unknown): string =>
  error instanceof ApiError
    ? `${error.message} (${error.code})`
    : error instanceof Error
      ? error.message
      : String(error);
