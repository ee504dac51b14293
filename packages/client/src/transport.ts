import { apiError, SteptrailNetworkError } from './errors.js';
import { backoffDelay, retryAfter, retryableStatus, type RetryPolicy } from './retry-policy.js';

export interface TransportOptions {
  baseUrl: string;
  token: string | null;
  fetch: typeof fetch;
  retry: RetryPolicy;
  /** Per attempt; a request that takes longer is aborted and counts as a network failure. */
  timeoutMs: number;
}

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Only requests that are safe to repeat retry: reads, and writes that carry an event id. */
  idempotent: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** fetch with the bearer token, JSON in and out, and retries with backoff for what may be repeated. */
export class Transport {
  constructor(private readonly options: TransportOptions) {}

  url(path: string, query: RequestOptions['query'] = {}): string {
    const url = new URL(
      path,
      this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`,
    );
    for (const [key, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(key, String(value));
    return url.toString();
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    const auth: Record<string, string> =
      this.options.token === null ? {} : { authorization: `Bearer ${this.options.token}` };
    return { accept: 'application/json', ...auth, ...extra };
  }

  get fetch(): typeof fetch {
    return this.options.fetch;
  }

  async request<T>(request: RequestOptions): Promise<T> {
    const attempts = request.idempotent ? Math.max(1, this.options.retry.attempts) : 1;
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.attempt(request);
      const last = attempt >= attempts;
      if (outcome.kind === 'answer') {
        const { response } = outcome;
        if (response.status === 204) return undefined as T;
        if (response.ok) return (await response.json()) as T;
        if (last || !retryableStatus(response.status)) throw await apiError(response);
        await response.body?.cancel();
        await sleep(
          backoffDelay(this.options.retry, attempt, retryAfter(response.headers.get('retry-after'))),
        );
      } else {
        if (last) {
          throw new SteptrailNetworkError(
            `${request.method} ${request.path}: the API at ${this.options.baseUrl} could not be reached`,
            { cause: outcome.error },
          );
        }
        await sleep(backoffDelay(this.options.retry, attempt, null));
      }
    }
  }

  /**
   * A GET whose answer is a body to stream, not JSON (a download), or a HEAD of one: the timeout covers the wait for the answer's
   * headers, not the transfer. Rejects with the API's error for a non-2xx answer.
   */
  async stream(path: string, method: 'GET' | 'HEAD' = 'GET'): Promise<Response> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    let response: Response;
    try {
      response = await this.options.fetch(this.url(path), {
        method,
        headers: this.headers({ accept: '*/*' }),
        signal: controller.signal,
      });
    } catch (error) {
      throw new SteptrailNetworkError(
        `${method} ${path}: the API at ${this.options.baseUrl} could not be reached`,
        {
          cause: error,
        },
      );
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) throw await apiError(response);
    return response;
  }

  private async attempt(
    request: RequestOptions,
  ): Promise<{ kind: 'answer'; response: Response } | { kind: 'failure'; error: unknown }> {
    const json = request.body !== undefined;
    try {
      const response = await this.options.fetch(this.url(request.path, request.query), {
        method: request.method,
        headers: this.headers({
          ...(json ? { 'content-type': 'application/json' } : {}),
          ...request.headers,
        }),
        ...(json ? { body: JSON.stringify(request.body) } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      return { kind: 'answer', response };
    } catch (error) {
      return { kind: 'failure', error };
    }
  }
}
