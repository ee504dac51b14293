// Printing: one table per database and size, then the targets; and the JSON report the runner summarises.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fmtFiles } from './targets.mjs';

/** Left-aligned first column, right-aligned others, columns as wide as their widest cell. */
export function table(header, rows) {
  const all = [header, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column].length)));
  const line = (row) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ');
  return [line(all[0]), widths.map((width) => '-'.repeat(width)).join('  '), ...all.slice(1).map(line)].join(
    '\n',
  );
}

const ms = (value) => (value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0));

export function figureTable(figures) {
  return table(
    ['measurement (ms)', 'n', 'p50', 'p95', 'p99', 'mean'],
    figures.map((f) => [f.label, f.n, ms(f.p50), ms(f.p95), ms(f.p99), ms(f.mean)]),
  );
}

export function formatMeasured(row) {
  return row.unit === '×' ? `${row.measured.toFixed(2)}×` : `${row.measured.toFixed(2)}${row.unit}`;
}

const verdict = (met) => (met === null ? 'info' : met ? 'met' : 'MISSED');

export function targetTable(rows) {
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

export function checkLines(checks) {
  return checks.map(
    (c) =>
      `  ${c.ok ? 'ok  ' : 'FAIL'} ${fmtFiles(c.files)} files: ${c.label}${c.detail === '' ? '' : ` (${c.detail})`}`,
  );
}

/** Writes the JSON report (the runner reads `databases` and `targets` from it). */
export function writeReport(path, report) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}
