import { setTimeout } from 'node:timers/promises';

export interface SseEvent {
  id: string | null;
  event: string;
  data: Record<string, unknown>;
}

/** A minimal text/event-stream reader over fetch, recording every event and comment it sees. */
export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  ended = false;
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {}

  static async connect(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const abort = new AbortController();
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: abort.signal,
    });
    const client = new SseClient(response, abort);
    if (response.ok) void client.read();
    return client;
  }

  /** Resolves with the first recorded event that matches; fails after `timeoutMs` so a broken feed cannot hang the run. */
  async waitFor(match: (event: SseEvent) => boolean, timeoutMs = 30_000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found !== undefined) return found;
      if (this.ended) throw new Error(`stream ended without the event; saw ${JSON.stringify(this.events)}`);
      if (Date.now() > deadline)
        throw new Error(`no matching event within ${timeoutMs} ms; saw ${JSON.stringify(this.events)}`);
      await this.change(deadline - Date.now());
    }
  }

  async waitUntil(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
      await this.change(deadline - Date.now());
    }
  }

  close(): void {
    this.abort.abort();
  }

  private async change(timeoutMs: number): Promise<void> {
    const woken = new AbortController();
    const wake = () => woken.abort();
    this.waiters.add(wake);
    // Wakes on new data, and at least every 25 ms so conditions outside the stream are seen too.
    await setTimeout(Math.max(0, Math.min(25, timeoutMs)), undefined, { signal: woken.signal }).catch(
      () => undefined,
    );
    this.waiters.delete(wake);
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private async read(): Promise<void> {
    const body = this.response.body;
    if (body === null) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        this.notify();
      }
    } catch {
      // Aborted by close() or cut by the server: either way the stream is over.
    }
    this.ended = true;
    this.notify();
  }

  private parse(frame: string): void {
    let id: string | null = null;
    let event = 'message';
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length > 0)
      this.events.push({ id, event, data: JSON.parse(data.join('\n')) as Record<string, unknown> });
  }
}
