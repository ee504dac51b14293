import Table from 'cli-table3';

/** A table for a terminal; plain ASCII borders when stdout is not one, so a pipe stays readable. */
export function table(head: string[], rows: string[][], terminal: boolean): string {
  const t = new Table({
    head,
    style: { head: [], border: [], compact: true },
    ...(terminal ? {} : { chars: ASCII }),
  });
  t.push(...rows);
  return `${t.toString()}\n`;
}

const ASCII = {
  top: '-',
  'top-mid': '+',
  'top-left': '+',
  'top-right': '+',
  bottom: '-',
  'bottom-mid': '+',
  'bottom-left': '+',
  'bottom-right': '+',
  left: '|',
  'left-mid': '+',
  mid: '-',
  'mid-mid': '+',
  right: '|',
  'right-mid': '+',
  middle: '|',
};

/** 850 ms, 12.3 s, 4 min 05 s, 2 h 03 min. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(seconds / 3600)} h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')} min`;
}

/** A step's duration: completed − started, or "running …" for a step still in progress. */
export function stepDuration(
  step: { status: string; startedAt: string | null; completedAt: string | null },
  now: Date,
): string {
  if (step.startedAt === null) return '';
  const started = Date.parse(step.startedAt);
  if (step.completedAt !== null) return duration(Date.parse(step.completedAt) - started);
  return step.status === 'in_progress' ? `running ${duration(now.getTime() - started)}` : '';
}

/** 2026-12-06 23:41:07 in UTC: sortable, and the same on every machine. */
export const time = (iso: string | null): string => (iso === null ? '' : iso.replace('T', ' ').slice(0, 19));

/** One line of text for a table cell. */
export const cell = (text: string | null, max = 60): string => {
  const line = (text ?? '').replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};
