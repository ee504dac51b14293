import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiPool } from './api-pool.js';

/** The step the external reporter writes: no workflow step, so it never decides a file's status. */
export const REPORTED_STEP = 'external_check';

export interface ReportedEvent {
  readonly fileId: number;
  readonly eventId: string;
  readonly stepName: string;
  readonly status: 'in_progress' | 'success';
  /** `reporter <eventId>`: how the history row is found again. */
  readonly message: string;
  readonly occurredAt: string;
}

interface Queued {
  readonly event: ReportedEvent;
  readonly dueAt: number;
}

const BATCH = 50;

/**
 * An external pipeline reporting through POST /api/events, as the client does: every event carries an id and is
 * sent again (the same body) until the API answers for it, so a repeat after a lost answer is a duplicate. Events
 * go out in the order they were planned, one batch at a time, so a file's start always precedes its end.
 */
export class Reporter {
  /** Event id → the event, for every event the API applied or recognised as already applied. */
  readonly accepted = new Map<string, ReportedEvent>();
  readonly refused: string[] = [];
  /** Steps started and deliberately never finished: a dead reporter, which the stall sweep must fail. */
  readonly abandoned: ReportedEvent[] = [];
  private queue: Queued[] = [];
  private stopped = false;
  private running: Promise<void> | null = null;
  private failure: Error | null = null;

  constructor(
    private readonly pool: ApiPool,
    private readonly runTag: string,
  ) {}

  /** Reports a start now and, unless `abandon`, its end `finishAfterMs` later. */
  plan(fileId: number, finishAfterMs: number, abandon: boolean): void {
    const now = Date.now();
    const start = this.event(fileId, 'in_progress');
    this.queue.push({ event: start, dueAt: now });
    if (abandon) this.abandoned.push(start);
    else this.queue.push({ event: this.event(fileId, 'success'), dueAt: now + finishAfterMs });
    this.queue.sort((a, b) => a.dueAt - b.dueAt);
  }

  start(): void {
    this.running ??= this.loop().catch((error: unknown) => {
      this.failure = error instanceof Error ? error : new Error(String(error));
    });
  }

  /** Sends everything planned (bounded by `deadline`) and stops. */
  async drain(deadline: number): Promise<void> {
    while (this.queue.length > 0) {
      if (this.failure !== null) throw this.failure;
      if (Date.now() > deadline)
        throw new Error(
          `the reporter still had ${this.queue.length} events unanswered at the deadline, e.g. ` +
            JSON.stringify(this.queue[0]?.event),
        );
      await sleep(100);
    }
    this.stopped = true;
    await this.running;
    if (this.failure !== null) throw this.failure;
  }

  /** Stops without sending the rest (cleanup after a failure). */
  async abandonAll(): Promise<void> {
    this.stopped = true;
    this.queue = [];
    await this.running;
  }

  private event(fileId: number, status: ReportedEvent['status']): ReportedEvent {
    const eventId = `${this.runTag}-${fileId}-${status}`;
    return {
      fileId,
      eventId,
      stepName: REPORTED_STEP,
      status,
      message: `reporter ${eventId}`,
      occurredAt: new Date().toISOString(),
    };
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const now = Date.now();
      const due = this.queue.filter((queued) => queued.dueAt <= now).slice(0, BATCH);
      if (due.length === 0) {
        await sleep(50);
        continue;
      }
      await this.send(due.map((queued) => queued.event));
      const sent = new Set(due);
      this.queue = this.queue.filter((queued) => !sent.has(queued));
    }
  }

  /** Sends one batch until it is answered; a lost answer or a 5xx sends the same batch again. */
  private async send(events: readonly ReportedEvent[]): Promise<void> {
    const body = JSON.stringify({ events });
    for (;;) {
      if (this.stopped && this.queue.length === 0) return;
      const answer = await this.pool.attempt('/api/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      if (answer.ok && answer.status === 200) {
        const { results } = answer.body as {
          results: Array<{ eventId: string | null; result: string; reason?: string; error?: unknown }>;
        };
        results.forEach((result, index) => {
          const event = events[index];
          if (event === undefined) return;
          if (result.result === 'applied' || result.result === 'duplicate')
            this.accepted.set(event.eventId, event);
          else this.refused.push(`${event.eventId}: ${result.reason ?? ''} ${JSON.stringify(result.error)}`);
        });
        return;
      }
      if (answer.ok && answer.status < 500)
        throw new Error(`POST /api/events answered ${answer.status}: ${answer.text.slice(0, 500)}`);
      await sleep(200);
    }
  }
}
