import Table from 'cli-table3';

export type SummaryRow = readonly [label: string, value: string];

/** A two-column table for the end of a run. */
export function summaryTable(title: string, rows: readonly SummaryRow[]): string {
  const table = new Table({ head: [title, ''], style: { head: [], border: [] }, colAligns: ['left', 'right'] });
  for (const [label, value] of rows) table.push([label, value]);
  return table.toString();
}
