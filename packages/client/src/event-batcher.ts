import type { BatchAnswer, BatchEvent, BatchEventResult } from './api-types.js';

/** A queued event's fate: the API's result, or `failed` when its batch could not be delivered after every retry. */
export type BatchOutcome =
  BatchEventResult | { result: 'failed'; fileId: number; eventId: string | null; error: Error };

export interface BatchSummary {
  applied: number;
  duplicates: number;
  refused: number;
  failed: number;
}

export interface BatcherOptions {
  /** At most this many events per POST /api/events (the API takes 1,000). */
  maxSize: number;
  /** A queued event waits at most this long before its batch is sent. */
  flushIntervalMs: number;
  send(events: BatchEvent[]): Promise<BatchAnswer>;
}

interface Queued {
  event: BatchEvent;
  settle(outcome: BatchOutcome): void;
}

/**
 * Collects events and sends them with POST /api/events when `maxSize` are waiting, `flushIntervalMs` after the
 * first one, on flush() and on close() (docs/architecture.md#the-client). Batches go out one after another, so
 * each file's events reach the API in the order they were queued.
 */
export class EventBatcher {
  private queue: Queued[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sending: Promise<BatchSummary> = Promise.resolve(emptySummary());
  private closed = false;
  private readonly totals: BatchSummary = emptySummary();

  constructor(private readonly options: BatcherOptions) {}

  get pending(): number {
    return this.queue.length;
  }

  add(event: BatchEvent): Promise<BatchOutcome> {
    if (this.closed) throw new Error('the client is closed: no event can be queued');
    const outcome = new Promise<BatchOutcome>((settle) => this.queue.push({ event, settle }));
    if (this.queue.length >= this.options.maxSize) void this.flush();
    else if (this.timer === null) {
      this.timer = setTimeout(() => void this.flush(), this.options.flushIntervalMs);
      // A timer must not keep a Node process alive on its own; close() sends what is left.
      (this.timer as { unref?: () => void }).unref?.();
    }
    return outcome;
  }

  /** Sends every queued event; resolves when they (and every batch before them) have an outcome. */
  flush(): Promise<BatchSummary> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const taken = this.queue;
    this.queue = [];
    this.sending = this.sending.then(() => this.sendAll(taken));
    return this.sending;
  }

  /** Sends what is left; resolves with the outcomes of every event queued since the batcher was made. */
  async close(): Promise<BatchSummary> {
    this.closed = true;
    await this.flush();
    return { ...this.totals };
  }

  private async sendAll(items: Queued[]): Promise<BatchSummary> {
    const summary = emptySummary();
    for (let start = 0; start < items.length; start += this.options.maxSize) {
      const chunk = items.slice(start, start + this.options.maxSize);
      try {
        const answer = await this.options.send(chunk.map((item) => item.event));
        chunk.forEach((item, index) => {
          const result = answer.results[index];
          if (result === undefined)
            throw new Error(`the API answered ${answer.results.length} results for ${chunk.length} events`);
          count(summary, result.result);
          item.settle(result);
        });
      } catch (error) {
        for (const item of chunk) {
          summary.failed += 1;
          item.settle({
            result: 'failed',
            fileId: item.event.fileId,
            eventId: item.event.eventId ?? null,
            error: error instanceof Error ? error : new Error(String(error)),
          });
        }
      }
    }
    for (const key of ['applied', 'duplicates', 'refused', 'failed'] as const)
      this.totals[key] += summary[key];
    return summary;
  }
}

const emptySummary = (): BatchSummary => ({ applied: 0, duplicates: 0, refused: 0, failed: 0 });

function count(summary: BatchSummary, result: BatchEventResult['result']): void {
  if (result === 'applied') summary.applied += 1;
  else if (result === 'duplicate') summary.duplicates += 1;
  else summary.refused += 1;
}
