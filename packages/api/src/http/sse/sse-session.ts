import { once } from 'node:events';
import { setTimeout } from 'node:timers/promises';
import type { Repositories } from '@steptrail/domain';
import type { Response } from 'express';
import type { Logger } from '@steptrail/runtime';
import { changeMessages, fileOfRow, formatMessage, type SseMessage } from './change-messages.js';
import type { ChangeNotifier } from './change-notifier.js';
import { deliverableCount } from './feed-cursor.js';

export interface SseSessionDeps {
  reads: Repositories;
  notifier: ChangeNotifier;
  heartbeatMs: number;
  /** How soon rows held back behind an id gap are looked at again. */
  recheckMs: number;
  log: Logger;
  batchSize?: number;
}

/** One client of GET /api/events: delivers every log row above its cursor, in id order, until it disconnects. */
export class SseSession {
  private closed = false;
  private pending = false;
  private wakeUp: AbortController | null = null;
  private readonly batchSize: number;

  constructor(
    private readonly res: Response,
    private readonly deps: SseSessionDeps,
    private cursor: number,
    /** The data of the first message, `ready`. */
    private readonly ready: Record<string, unknown> = { cursor },
  ) {
    this.batchSize = deps.batchSize ?? 200;
  }

  /** Streams until close() or the client goes away; never rejects. */
  async run(): Promise<void> {
    const unsubscribe = this.deps.notifier.subscribe(() => this.poke());
    const heartbeat = setInterval(() => void this.write(': heartbeat\n\n'), this.deps.heartbeatMs);
    try {
      await this.write(`retry: 3000\n\n${formatMessage({ event: 'ready', data: this.ready })}`);
      while (!this.closed) {
        const heldBack = await this.drain();
        if (this.closed) break;
        await this.sleep(heldBack ? this.deps.recheckMs : null);
      }
    } catch (error) {
      this.deps.log.warn({ err: error, cursor: this.cursor }, 'live events: stream ended after a failure');
    } finally {
      clearInterval(heartbeat);
      unsubscribe();
      if (!this.res.writableEnded) this.res.end();
    }
  }

  close(): void {
    this.closed = true;
    this.poke();
  }

  private poke(): void {
    this.pending = true;
    this.wakeUp?.abort();
  }

  /** Sends everything deliverable; true when rows wait behind an id gap. */
  private async drain(): Promise<boolean> {
    for (;;) {
      this.pending = false;
      const rows = await this.deps.reads.logs.listSince(this.cursor, this.batchSize);
      if (this.closed || rows.length === 0) return false;
      const count = deliverableCount(rows, this.cursor, this.deps.notifier.settledId());
      const deliver = rows.slice(0, count);
      if (deliver.length > 0) {
        await this.send(await this.messagesFor(deliver));
        this.cursor = deliver[deliver.length - 1]?.id ?? this.cursor;
      }
      if (count < rows.length) return true;
      if (rows.length < this.batchSize) return false;
    }
  }

  private async messagesFor(rows: Parameters<typeof changeMessages>[0]): Promise<SseMessage[]> {
    const fileIds = [...new Set(rows.flatMap((row) => fileOfRow(row) ?? []))];
    const files = await this.deps.reads.files.getMany(fileIds);
    return changeMessages(rows, new Map(files.map((file) => [file.id, file])));
  }

  private async send(messages: readonly SseMessage[]): Promise<void> {
    for (const message of messages) {
      if (this.closed) return;
      await this.write(formatMessage(message));
    }
  }

  /** Writes and waits for the socket to drain when its buffer is full, so a slow client cannot grow memory. */
  private async write(chunk: string): Promise<void> {
    if (this.closed || this.res.writableEnded) return;
    if (this.res.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  /** Until poked, closed, or `timeoutMs` passes (null: no timeout). */
  private async sleep(timeoutMs: number | null): Promise<void> {
    if (this.pending || this.closed) return;
    this.wakeUp = new AbortController();
    const { signal } = this.wakeUp;
    try {
      // A poke aborts the timer, which then rejects: the sleep is over either way.
      if (timeoutMs === null) await once(signal, 'abort');
      else await setTimeout(timeoutMs, undefined, { signal }).catch(() => undefined);
    } finally {
      this.wakeUp = null;
    }
  }
}
