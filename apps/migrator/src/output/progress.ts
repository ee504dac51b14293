import { createRequire } from 'node:module';
import type cliProgressType from 'cli-progress';
import { formatCount, formatSeconds } from './format.js';
import type { Terminal } from './terminal.js';

export interface ProgressStart {
  /** What runs, e.g. "logs-to-steps". */
  label: string;
  /** Size of the walk (file ids from the resume point to the highest id). */
  total: number;
  /** What `count` counts, e.g. "files". */
  unit: string;
}

export interface ProgressUpdate {
  /** How far through `total` the walk is. */
  position: number;
  /** Items handled so far by this run. */
  count: number;
  /** Extra fields for the JSON progress lines (last file id, running totals). */
  detail?: Record<string, unknown>;
  /** Always report this update (JSON lines are otherwise throttled). */
  force?: boolean;
}

/** Where a long command reports how far it is: a bar on a terminal, lines in a log, JSON lines for machines. */
export interface Progress {
  start(start: ProgressStart): void;
  update(update: ProgressUpdate): void;
  stop(): void;
}

// cli-progress is loaded when a bar starts, not at start-up (docs/architecture.md#start-up-cost).
const require = createRequire(import.meta.url);
let cliProgressModule: typeof cliProgressType | null = null;
const cliProgress = (): typeof cliProgressType =>
  (cliProgressModule ??= require('cli-progress') as typeof cliProgressType);

const LINE_INTERVAL_MS = 10_000;
const JSON_INTERVAL_MS = 250;

/** The progress display that suits the terminal and the output mode. */
export function progressFor(terminal: Terminal, json: boolean, now: () => number = Date.now): Progress {
  if (json) return new JsonLinesProgress(terminal, now);
  if (terminal.barStream !== null) return new BarProgress(terminal.barStream, now);
  return new TextLinesProgress(terminal, now);
}

/** Items per second since the start. */
class Rate {
  private startedAt = 0;

  constructor(private readonly now: () => number) {}

  reset(): void {
    this.startedAt = this.now();
  }

  perSecond(count: number): number {
    const seconds = (this.now() - this.startedAt) / 1000;
    return seconds > 0 ? count / seconds : 0;
  }

  etaSeconds(position: number, total: number): number {
    const seconds = (this.now() - this.startedAt) / 1000;
    return position > 0 ? (seconds * (total - position)) / position : Number.POSITIVE_INFINITY;
  }
}

/** cli-progress on stderr: percentage, count, rate and ETA. */
class BarProgress implements Progress {
  private bar: cliProgressType.SingleBar | null = null;
  private readonly rate: Rate;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    now: () => number,
  ) {
    this.rate = new Rate(now);
  }

  start({ label, total, unit }: ProgressStart): void {
    this.rate.reset();
    const { SingleBar, Presets } = cliProgress();
    this.bar = new SingleBar(
      {
        stream: this.stream,
        format: `${label} [{bar}] {percentage}% | {count} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`,
        hideCursor: true,
        etaBuffer: 20,
        fps: 5,
      },
      Presets.shades_classic,
    );
    this.bar.start(Math.max(total, 1), 0, { count: '0', rate: '0' });
  }

  update({ position, count }: ProgressUpdate): void {
    this.bar?.update(position, { count: formatCount(count), rate: formatCount(this.rate.perSecond(count)) });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

/** A plain line every ten seconds, for logs and pipes. */
class TextLinesProgress implements Progress {
  private readonly rate: Rate;
  private started: ProgressStart | null = null;
  private lastLineAt = 0;
  private last: ProgressUpdate | null = null;

  constructor(
    private readonly terminal: Terminal,
    private readonly now: () => number,
  ) {
    this.rate = new Rate(now);
  }

  start(start: ProgressStart): void {
    this.started = start;
    this.rate.reset();
    this.lastLineAt = this.now();
  }

  update(update: ProgressUpdate): void {
    this.last = update;
    if (this.now() - this.lastLineAt < LINE_INTERVAL_MS) return;
    this.lastLineAt = this.now();
    this.print(update);
  }

  stop(): void {
    if (this.last !== null && this.now() - this.lastLineAt >= 1000) this.print(this.last);
    this.started = null;
  }

  private print({ position, count }: ProgressUpdate): void {
    if (this.started === null) return;
    const { label, total, unit } = this.started;
    const percent = total > 0 ? Math.min(100, Math.floor((position / total) * 100)) : 100;
    const eta = formatSeconds(this.rate.etaSeconds(position, total));
    this.terminal.err(
      `${label}: ${percent}% | ${formatCount(count)} ${unit} | ${formatCount(this.rate.perSecond(count))} ${unit}/s | ETA ${eta}`,
    );
  }
}

/** One JSON object per line on stderr, for machines that watch a run. */
class JsonLinesProgress implements Progress {
  private readonly rate: Rate;
  private started: ProgressStart | null = null;
  private lastLineAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly terminal: Terminal,
    private readonly now: () => number,
  ) {
    this.rate = new Rate(now);
  }

  start(start: ProgressStart): void {
    this.started = start;
    this.rate.reset();
  }

  update({ position, count, detail, force }: ProgressUpdate): void {
    if (this.started === null) return;
    if (force !== true && this.now() - this.lastLineAt < JSON_INTERVAL_MS) return;
    this.lastLineAt = this.now();
    const { label, total, unit } = this.started;
    this.terminal.err(
      JSON.stringify({
        event: 'progress',
        command: label,
        percent: total > 0 ? Math.min(100, Math.round((position / total) * 1000) / 10) : 100,
        [unit]: count,
        perSecond: Math.round(this.rate.perSecond(count)),
        ...detail,
      }),
    );
  }

  stop(): void {
    this.started = null;
  }
}
