import { describe, expect, it } from 'vitest';
import { formatSummary, parseSummaryLines, type SummaryRow } from './summary.js';

const rows: SummaryRow[] = [
  { suite: 'hostile-input', database: 'sqlite', figures: { requests: 4_000, status5xx: 0, exits: 0 } },
  { suite: 'hostile-input', database: 'postgres', figures: { requests: 3_500, status5xx: 2, exits: 0 } },
  {
    suite: 'chaos',
    database: 'postgres',
    figures: { files: 1_000, kills: 12, restarts: 13, lostEvents: 0, stuckFiles: 0 },
    extra: { 'peak RSS MB': 212 },
  },
];

describe('the reliability summary', () => {
  it('prints one row per suite and database, totals per column, and the extra figures', () => {
    const lines = formatSummary(rows, 'small').split('\n');
    expect(lines[0]).toBe('reliability summary (small scale)');
    const cells = (line: string | undefined): string[] =>
      (line ?? '')
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
    const header = cells(lines[2]);
    expect(header).toEqual([
      'suite',
      'database',
      'requests',
      '5xx',
      'exits',
      'files',
      'events',
      'kills',
      'restarts',
      'lost',
      'stuck',
      'other',
    ]);
    expect(cells(lines[6])).toEqual([
      'chaos',
      'postgres',
      '',
      '',
      '',
      '1000',
      '',
      '12',
      '13',
      '0',
      '0',
      'peak RSS MB 212',
    ]);
    const totals = cells(lines.at(-1));
    expect(totals.slice(0, 5)).toEqual(['total', '', '7500', '2', '0']);
    expect(totals[6]).toBe('');
  });

  it('says so when no suite recorded anything', () => {
    expect(formatSummary([], 'full')).toBe('reliability summary (full): no suite recorded figures');
  });

  it('reads back the lines the suites append and refuses one that is not a row', () => {
    const text = `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`;
    expect(parseSummaryLines(text)).toEqual(rows);
    expect(() => parseSummaryLines('{"suite":"x"}\n')).toThrow(/summary line 1 is not a summary row/);
  });
});
