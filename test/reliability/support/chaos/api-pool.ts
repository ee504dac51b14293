import { setTimeout as sleep } from 'node:timers/promises';
import type { SeededRandom } from './random.js';

/** An answer, or why there was none (the process was killed, the database was down). */
export type Attempt =
  { ok: true; status: number; body: unknown; text: string } | { ok: false; error: string };

/** How clients of the chaos run reach the API: any of its processes, whichever answers. */
export class ApiPool {
  /** Answers with a 5xx status, by status: the database restart and kills produce some, and the summary shows them. */
  readonly serverErrors = new Map<number, number>();
  requests = 0;

  constructor(
    private readonly urls: readonly string[],
    private readonly random: SeededRandom,
  ) {}

  /** One request to one randomly chosen process. */
  async attempt(path: string, init: RequestInit = {}, timeoutMs = 30_000): Promise<Attempt> {
    const base = this.random.pick(this.urls);
    this.requests += 1;
    try {
      const response = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      const text = await response.text();
      if (response.status >= 500)
        this.serverErrors.set(response.status, (this.serverErrors.get(response.status) ?? 0) + 1);
      let body: unknown = null;
      try {
        body = text === '' ? null : JSON.parse(text);
      } catch {
        body = null;
      }
      return { ok: true, status: response.status, body, text };
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return { ok: false, error: `${error instanceof Error ? error.message : String(error)}${cause}` };
    }
  }

  /**
   * A read that must succeed: retried (another process, after a pause) while processes are down or answer 5xx,
   * until `deadline`; any other status is an error naming the request.
   */
  async read<T>(path: string, deadline: number): Promise<T> {
    let last = '';
    while (Date.now() < deadline) {
      const answer = await this.attempt(path);
      if (answer.ok && answer.status === 200) return answer.body as T;
      if (answer.ok && answer.status < 500)
        throw new Error(`GET ${path} answered ${answer.status}: ${answer.text.slice(0, 500)}`);
      last = answer.ok ? `${answer.status} ${answer.text.slice(0, 200)}` : answer.error;
      await sleep(200);
    }
    throw new Error(`GET ${path} got no answer before the deadline; last: ${last}`);
  }

  /** Every page of a paged list (`items` and `nextCursor`). */
  async readAll<T>(path: string, deadline: number): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const page: { items: T[]; nextCursor: string | null } = await this.read(
        cursor === null ? path : `${path}${separator}cursor=${encodeURIComponent(cursor)}`,
        deadline,
      );
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return items;
  }
}
