import { createRequire } from 'node:module';
import type TableType from 'cli-table3';

// Loaded on first use, not at start-up: a command that prints no table (`schema status`) does not pay for it
// (docs/architecture.md#start-up-cost).
const require = createRequire(import.meta.url);
let tableClass: typeof TableType | null = null;
const Table = (): typeof TableType => (tableClass ??= require('cli-table3') as typeof TableType);

export type SummaryRow = readonly [label: string, value: string];

/** A compact two-column table under a title line, for the end of a run. */
export function summaryTable(title: string, rows: readonly SummaryRow[]): string {
  const table = new (Table())({
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1 },
    colAligns: ['left', 'right'],
  });
  for (const [label, value] of rows) table.push([label, value]);
  return `${title}\n${table.toString()}`;
}
