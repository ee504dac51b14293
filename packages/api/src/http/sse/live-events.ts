import type { Store } from '@steptrail/domain';
import type { Request, Response } from 'express';
import type { Logger } from '@steptrail/runtime';
import { ChangeNotifier } from './change-notifier.js';
import { SseSession } from './sse-session.js';

export interface LiveEventsOptions {
  pollMs: number;
  heartbeatMs: number;
  gapGraceMs: number;
}

/** The live-events side of one API process: the shared change watcher and every open stream. */
export class LiveEvents {
  readonly notifier: ChangeNotifier;
  private readonly sessions = new Set<SseSession>();

  constructor(
    private readonly store: Store,
    private readonly options: LiveEventsOptions,
    private readonly log: Logger,
  ) {
    this.notifier = new ChangeNotifier(store, options, log);
  }

  /**
   * Opens a text/event-stream on `res` starting after log id `cursor` (null: only what happens from now on). A
   * cursor beyond the newest event (the database was replaced or restored from a backup) cannot be resumed: the
   * stream starts from now, and its `ready` message says so, so the client reloads what it shows.
   */
  async stream(req: Request, res: Response, cursor: number | null): Promise<void> {
    const newest = await this.store.reads.logs.maxId();
    const beyond = cursor !== null && cursor > newest;
    const start = cursor === null || beyond ? newest : cursor;
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    if (req.method === 'HEAD') {
      // Express answers HEAD with the GET handler: send the headers a GET would get, and no stream.
      res.end();
      return;
    }
    res.flushHeaders();
    req.socket.setNoDelay(true);
    const ready = beyond
      ? {
          cursor: start,
          reset: true,
          message: `Last-Event-ID ${cursor} is beyond the newest event (${newest}); streaming from now on. Reload the current state.`,
        }
      : { cursor: start };
    const session = new SseSession(
      res,
      {
        reads: this.store.reads,
        notifier: this.notifier,
        heartbeatMs: this.options.heartbeatMs,
        recheckMs: Math.max(10, Math.min(this.options.pollMs, Math.ceil(this.options.gapGraceMs / 2))),
        log: res.locals.log,
      },
      start,
      ready,
    );
    this.sessions.add(session);
    res.on('close', () => session.close());
    try {
      await session.run();
    } finally {
      this.sessions.delete(session);
    }
  }

  /** Local writes call this so this process's clients hear of them without waiting for a poll. */
  changed(): void {
    this.notifier.poke();
  }

  get openStreams(): number {
    return this.sessions.size;
  }

  /** Ends every stream (clients reconnect elsewhere with Last-Event-ID) and stops watching. */
  async close(): Promise<void> {
    for (const session of this.sessions) session.close();
    await this.notifier.stop();
    this.log.debug('live events closed');
  }
}
