import type { Store } from '@steptrail/domain';
import type { Logger } from '@steptrail/runtime';
import { SettledWatermark } from './feed-cursor.js';

export interface ChangeNotifierOptions {
  pollMs: number;
  /** How long an id gap may be an in-flight transaction (0 where ids commit in order). */
  gapGraceMs: number;
}

/**
 * One watcher per process over the log table's highest id, shared by every live-events client. It sleeps on the
 * store's work signal (PostgreSQL's NOTIFY wakes it at once; elsewhere it times out after `pollMs`) or until a
 * local write pokes it, reads MAX(id), and tells subscribers when it grew. Runs only while someone listens.
 */
export class ChangeNotifier {
  private readonly listeners = new Set<() => void>();
  private readonly watermark: SettledWatermark;
  private running: Promise<void> | null = null;
  private wake: AbortController | null = null;
  private poked = false;
  private stopped = false;
  private lastMax = 0;

  constructor(
    private readonly store: Store,
    private readonly options: ChangeNotifierOptions,
    private readonly log: Logger,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.watermark = new SettledWatermark(store.capabilities.concurrentWriters ? options.gapGraceMs : 0);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (this.running === null && !this.stopped) this.running = this.loop();
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** A local write committed: look now instead of at the next poll. */
  poke(): void {
    this.poked = true;
    this.wake?.abort();
  }

  settledId(): number {
    return this.watermark.settledId(this.now());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.poke();
    await this.running;
  }

  private async loop(): Promise<void> {
    try {
      while (!this.stopped && this.listeners.size > 0) {
        this.poked = false;
        await this.check();
        if (this.stopped || this.listeners.size === 0) break;
        if (this.poked) continue;
        this.wake = new AbortController();
        await this.store.workSignal.wait(this.options.pollMs, this.wake.signal);
        this.wake = null;
      }
    } finally {
      this.running = null;
    }
  }

  private async check(): Promise<void> {
    try {
      const maxId = await this.store.reads.logs.maxId();
      this.watermark.observe(maxId, this.now());
      if (maxId === this.lastMax) return;
      this.lastMax = maxId;
      for (const listener of [...this.listeners]) listener();
    } catch (error) {
      this.log.warn({ err: error }, 'live events: reading the log table failed; retrying at the next poll');
    }
  }
}
