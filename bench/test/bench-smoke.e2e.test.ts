import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendUrls } from '@steptrail/test-servers/backend-urls';
import { expect, it } from 'vitest';

// Every benchmark of `pnpm bench` at smoke scale (tiny data, every scenario once), so the harness cannot rot
// (issue 16). It asserts nothing about speed: only that the run exits 0, prints every scenario and its in-run
// comparison, and that no consistency check failed. The benchmarks use this run's throwaway servers; a server
// that is not installed is skipped by the runner with its reason, which the output then shows. On a quiet 2-core
// machine it takes about two minutes; the generous timeout is for a machine busy with other work.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function runBench(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--scale', 'smoke'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

it('runs every benchmark at smoke scale and prints every scenario beside its comparison', async () => {
  const urls = backendUrls();
  const { code, output } = await runBench({
    ...process.env,
    BENCH_POSTGRES_URL: urls.postgres ?? '',
    BENCH_MYSQL_URL: urls.mysql ?? '',
    // The runner starts no servers of its own when the run has none: it says why instead.
    STEPTRAIL_TEST_SERVERS:
      [urls.postgres === null ? [] : ['postgres'], urls.mysql === null ? [] : ['mariadb']].flat().join(',') ||
      'none',
  });
  const tail = output.slice(-6_000);
  expect(code, tail).toBe(0);
  const summary = output.slice(output.lastIndexOf('benchmark summary'));
  for (const name of ['api', 'ingest', 'migrator', 'worker'])
    expect(summary, tail).toMatch(new RegExp(`^${name}\\s+\\S+\\s+ok\\b`, 'm'));
  const databases = [
    'SQLite',
    ...(urls.postgres === null ? [] : ['PostgreSQL']),
    ...(urls.mysql === null ? [] : ['MariaDB']),
  ];
  for (const database of databases) {
    const section = output.slice(output.indexOf(`== ${database}\nhow`));
    for (const line of [
      'raw driver loop, 1 event/transaction',
      'in-process (StepTracker)',
      'HTTP, one event per request',
      'raw driver loop, 16 events/transaction',
      "raw replay of the batch's SQL, 100/request",
      'HTTP, batches of 100 ',
      "raw replay of the batch's SQL, 1000/request",
      'HTTP, batches of 1000',
      'HTTP floor, one event per request',
    ])
      expect(section, `${database}: ${line}`).toContain(line);
  }
  expect(output).toContain('HTTP floor: bare node:http answering the same status bytes');
  expect(output).toMatch(/steptrail-migrate start on SQLite[\s\S]*first query p50 \d+ ms/);
  expect(output).toMatch(/logs-to-steps \(batch size/);
  expect(output).not.toMatch(/^\s*FAIL /m);
  expect(output).not.toContain('MISSING');
}, 1_500_000);
