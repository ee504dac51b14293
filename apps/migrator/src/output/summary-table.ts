import Table from 'cli-table3';

export type SummaryRow = readonly [label: string, value: string];

/** A compact two-column table under a title line, for the end of a run. */
export function summaryTable(title: string, rows: readonly SummaryRow[]): string {
  const table = new Table({
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1 },
    colAligns: ['left', 'right'],
  });
  for (const [label, value] of rows) table.push([label, value]);
  return `${title}\n${table.toString()}`;
}
