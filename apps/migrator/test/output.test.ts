import { describe, expect, it } from 'vitest';
import { formatCount, formatSeconds } from '../src/output/format.js';
import { progressFor } from '../src/output/progress.js';
import { summaryTable } from '../src/output/summary-table.js';
import type { Terminal } from '../src/output/terminal.js';

function recordingTerminal(): Terminal & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    out: (text) => lines.push(`out:${text}`),
    err: (text) => lines.push(`err:${text}`),
    barStream: null,
    onInterrupt: () => () => {},
    exitNow: () => {
      throw new Error('exit');
    },
    cwd: '/',
  };
}

describe('terminal output', () => {
  it('formats counts and durations for people', () => {
    expect(formatCount(1234567.4)).toBe('1,234,567');
    expect([5, 65, 3725].map(formatSeconds)).toEqual(['5s', '1m 05s', '1h 02m']);
    expect(formatSeconds(Number.POSITIVE_INFINITY)).toBe('–');
  });

  it('JSON progress is one object per line on stderr, with the rate and the detail given', () => {
    const terminal = recordingTerminal();
    let now = 0;
    const progress = progressFor(terminal, true, () => now);
    progress.start({ label: 'logs-to-steps', total: 200, unit: 'files' });
    now = 2000;
    progress.update({ position: 50, count: 40, detail: { lastFileId: 50 }, force: true });
    progress.update({ position: 60, count: 50 });
    progress.stop();
    expect(terminal.lines).toEqual([
      'err:{"event":"progress","command":"logs-to-steps","percent":25,"files":40,"perSecond":20,"lastFileId":50}',
    ]);
  });

  it('without a terminal, progress is a plain line every ten seconds with rate and ETA', () => {
    const terminal = recordingTerminal();
    let now = 0;
    const progress = progressFor(terminal, false, () => now);
    progress.start({ label: 'verify', total: 1000, unit: 'files' });
    now = 5000;
    progress.update({ position: 100, count: 100 });
    now = 10_000;
    progress.update({ position: 250, count: 250 });
    expect(terminal.lines).toEqual(['err:verify: 25% | 250 files | 25 files/s | ETA 30s']);
  });

  it('the summary is a two-column table under its title', () => {
    const table = summaryTable('verify', [
      ['files checked', '12'],
      ['files invalid', '0'],
    ]);
    expect(table.split('\n')[0]).toBe('verify');
    expect(table).toMatch(/│ files checked\s+│\s+12 │/);
  });
});
