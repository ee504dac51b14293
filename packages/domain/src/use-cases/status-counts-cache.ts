import type { Clock } from '../ports/clock.js';
import type { StatusCounts } from '../ports/file-repository.js';

/**
 * Counts per status are a scan of the rollup index (tens of milliseconds at a million files), while the page they
 * come with is a few index rows. This keeps the last counts for `maxAgeMs`, refreshes them in the background once
 * they are older (one refresh at a time), and waits only when there are none yet. Filters never use it: a filtered
 * page always reads the rollup itself.
 */
export class StatusCountsCache {
  private value: { counts: StatusCounts; at: number } | null = null;
  private refreshing: Promise<StatusCounts> | null = null;

  constructor(
    private readonly load: () => Promise<StatusCounts>,
    private readonly clock: Clock,
    private readonly maxAgeMs: number,
  ) {}

  async get(): Promise<StatusCounts> {
    const now = this.clock.now().getTime();
    if (this.value !== null && now - this.value.at <= this.maxAgeMs) return this.value.counts;
    const refresh = this.refresh();
    if (this.value === null) return refresh;
    refresh.catch(() => undefined);
    return this.value.counts;
  }

  private refresh(): Promise<StatusCounts> {
    if (this.refreshing !== null) return this.refreshing;
    const started = this.clock.now().getTime();
    this.refreshing = this.load()
      .then((counts) => {
        this.value = { counts, at: started };
        return counts;
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }
}

/**
 * Counts read at the request, for callers that have seen a change and need counts that include it
 * (`GET /api/counts`), without one count query per caller: however many dashboards ask, at most one read runs at a
 * time. A call that finds none running starts one; calls that arrive while one runs share the next, started when
 * that one ends. So every answer comes from a read that began after the call did — never older than the caller's
 * change — and the database counts at most once per read's duration (docs/architecture.md#status-counts).
 */
export class FreshStatusCounts {
  private running: Promise<StatusCounts> | null = null;
  private queued: Promise<StatusCounts> | null = null;

  constructor(private readonly load: () => Promise<StatusCounts>) {}

  get(): Promise<StatusCounts> {
    if (this.queued !== null) return this.queued;
    if (this.running === null) return this.start();
    const settled = this.running.then(
      () => undefined,
      () => undefined,
    );
    this.queued = settled.then(() => {
      this.queued = null;
      return this.start();
    });
    return this.queued;
  }

  private start(): Promise<StatusCounts> {
    const read = this.load().finally(() => {
      if (this.running === read) this.running = null;
    });
    this.running = read;
    return read;
  }
}
