import { appendFileSync } from 'node:fs';
import { inject } from 'vitest';

/**
 * The figures every reliability suite reports, one row per suite and database. The columns are the ones the
 * issue's "done when" reads (5xx, lost, stuck must be 0); anything else a suite measured goes in `extra`.
 */
export const FIGURES = [
  'requests',
  'status5xx',
  'exits',
  'files',
  'events',
  'kills',
  'restarts',
  'lostEvents',
  'stuckFiles',
] as const;

export type FigureName = (typeof FIGURES)[number];

export interface SummaryRow {
  /** The suite, e.g. `hostile-input`, `documents`, `chaos`. */
  readonly suite: string;
  /** `sqlite`, `postgres`, `mysql`, or `-` when the suite is not about a database. */
  readonly database: string;
  readonly figures: Partial<Record<FigureName, number>>;
  /** Other measured values with their unit in the key, e.g. `{ 'peak RSS MB': 212, 'p99 ms': 41 }`. */
  readonly extra?: Readonly<Record<string, number | string>>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    reliabilitySummaryFile: string;
  }
}

/**
 * Adds one row to this run's summary (printed once at the end by summary-setup.ts). Call it after the suite's
 * assertions have read the same figures, so a row never reports something the test did not check.
 */
export function recordSummary(row: SummaryRow): void {
  const file: string | undefined = inject('reliabilitySummaryFile');
  if (file === undefined) {
    throw new Error('no reliability summary file: run this file in the vitest project "reliability"');
  }
  appendFileSync(file, `${JSON.stringify(row)}\n`);
}

/** Rows from the JSON lines the suites appended; a malformed line is an error, not a silent gap. */
export function parseSummaryLines(text: string): SummaryRow[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const row = JSON.parse(line) as SummaryRow;
      if (
        typeof row.suite !== 'string' ||
        typeof row.database !== 'string' ||
        typeof row.figures !== 'object'
      ) {
        throw new Error(`summary line ${index + 1} is not a summary row: ${line}`);
      }
      return row;
    });
}

const HEADINGS: Record<FigureName, string> = {
  requests: 'requests',
  status5xx: '5xx',
  exits: 'exits',
  files: 'files',
  events: 'events',
  kills: 'kills',
  restarts: 'restarts',
  lostEvents: 'lost',
  stuckFiles: 'stuck',
};

/** The summary as a Markdown table (it reads in a terminal and pastes into the README), totals last. */
export function formatSummary(rows: readonly SummaryRow[], scaleName: string): string {
  if (rows.length === 0) return `reliability summary (${scaleName}): no suite recorded figures`;
  const header = ['suite', 'database', ...FIGURES.map((name) => HEADINGS[name]), 'other'];
  const cell = (value: number | undefined): string => (value === undefined ? '' : String(value));
  const body = rows.map((row) => [
    row.suite,
    row.database,
    ...FIGURES.map((name) => cell(row.figures[name])),
    Object.entries(row.extra ?? {})
      .map(([key, value]) => `${key} ${value}`)
      .join(', '),
  ]);
  const totals = [
    'total',
    '',
    ...FIGURES.map((name) => {
      const values = rows.map((row) => row.figures[name]).filter((value) => value !== undefined);
      return values.length === 0 ? '' : String(values.reduce((sum, value) => sum + value, 0));
    }),
    '',
  ];
  const table = [header, ...body, totals];
  const widths = header.map((_, column) => Math.max(...table.map((line) => (line[column] ?? '').length)));
  const render = (line: readonly string[]): string =>
    `| ${line.map((text, column) => text.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  return [
    `reliability summary (${scaleName} scale)`,
    '',
    render(header),
    rule,
    ...body.map(render),
    render(totals),
  ].join('\n');
}
