// Printing: one table per database and size, then the targets; and the JSON report the runner summarises.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Summary } from './stats.js';

export const fmtFiles = (n: number): string =>
  n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1_000 ? `${n / 1_000}k` : String(n);

/** A measured latency: which metric, its label and its summary, at a database size. */
export interface Figure extends Summary {
  metric: string;
  label: string;
  files: number;
  database?: string;
}

/** A consistency check: both sides of a comparison gave the same answer. */
export interface Check {
  label: string;
  ok: boolean;
  detail: string;
  files: number;
  database?: string;
}

/** A target row: `met` is true, false, or null when the figure is informational. */
export interface TargetRow {
  database: string;
  label: string;
  target: string;
  measured: number;
  unit: string;
  ratio: number;
  met: boolean | null;
  note: string;
}

/** A "≤" target row. */
export function atMost(
  database: string,
  label: string,
  measured: number,
  target: number,
  unit: string,
  note = '',
): TargetRow {
  return {
    database,
    label,
    target: `≤ ${target}${unit}`,
    measured,
    unit,
    ratio: measured / target,
    met: measured <= target,
    note,
  };
}

/** A "≥" target row. */
export function atLeast(
  database: string,
  label: string,
  measured: number,
  target: number,
  unit = '×',
  note = '',
): TargetRow {
  return {
    database,
    label,
    target: `≥ ${target.toLocaleString('en')}${unit}`,
    measured,
    unit,
    ratio: measured / target,
    met: measured >= target,
    note,
  };
}

/** Left-aligned first column, right-aligned others, columns as wide as their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const all = [header, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column]?.length ?? 0)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  return [
    line(all[0] ?? []),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...all.slice(1).map(line),
  ].join('\n');
}

const ms = (value: number) =>
  value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);

export function figureTable(figures: readonly Figure[]): string {
  return table(
    ['measurement (ms)', 'n', 'p50', 'p95', 'p99', 'mean'],
    figures.map((f) => [f.label, f.n, ms(f.p50), ms(f.p95), ms(f.p99), ms(f.mean)]),
  );
}

export function formatMeasured(row: Pick<TargetRow, 'unit' | 'measured'>): string {
  return row.unit === '×' ? `${row.measured.toFixed(2)}×` : `${row.measured.toFixed(2)}${row.unit}`;
}

const verdict = (met: boolean | null) => (met === null ? 'info' : met ? 'met' : 'MISSED');

export function targetTable(rows: readonly TargetRow[]): string {
  return table(
    ['target', 'database', 'wanted', 'measured', 'measured/target', 'verdict'],
    rows.map((row) => [
      row.label,
      row.database,
      row.target,
      formatMeasured(row),
      row.ratio.toFixed(2),
      verdict(row.met),
    ]),
  );
}

export function checkLines(checks: readonly Check[]): string[] {
  return checks.map(
    (c) =>
      `  ${c.ok ? 'ok  ' : 'FAIL'} ${fmtFiles(c.files)} files: ${c.label}${c.detail === '' ? '' : ` (${c.detail})`}`,
  );
}

/** Writes the JSON report (the runner reads `databases` and `targets` from it). */
export function writeReport(path: string, report: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}
