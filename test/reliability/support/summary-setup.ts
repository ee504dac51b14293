import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { scale } from './scale.js';
import { formatSummary, parseSummaryLines } from './summary.js';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Second globalSetup of the reliability project: gives the suites a file to append their rows to, and at the
 * end prints the summary and keeps it in `.reliability/` (summary.md, summary.json) for the README's figures.
 */
export default function setup(project: TestProject): () => void {
  const directory = mkdtempSync(join(tmpdir(), 'steptrail-reliability-'));
  const file = join(directory, 'rows.jsonl');
  writeFileSync(file, '');
  project.provide('reliabilitySummaryFile', file);
  return () => {
    const rows = parseSummaryLines(readFileSync(file, 'utf8'));
    const text = formatSummary(rows, scale);
    const kept = join(repositoryRoot, '.reliability');
    mkdirSync(kept, { recursive: true });
    writeFileSync(join(kept, 'summary.md'), `${text}\n`);
    writeFileSync(join(kept, 'summary.json'), `${JSON.stringify({ scale, rows }, null, 2)}\n`);
    rmSync(directory, { recursive: true, force: true });
    console.log(`\n${text}\n\n(kept in .reliability/summary.md and summary.json)\n`);
  };
}
