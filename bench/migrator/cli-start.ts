// CLI start (issue 16): how long `steptrail-migrate` takes from the process's start to its first SQL statement on
// SQLite, as a user running `steptrail-migrate schema status` waits for it. A preload (first-query.cjs) reports
// performance.now() — milliseconds since the process's time origin — when better-sqlite3 first receives SQL.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnvironment } from '../config.js';
import { summarize, type Summary } from '../support/stats.js';
import { migratorMain, requireBuilt } from '../support/workspace.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Issue 16: at most this many milliseconds from process start to the first query on SQLite. */
export const FIRST_QUERY_TARGET_MS = 150;

export interface CliStart {
  firstQuery: Summary;
  wall: Summary;
  cjsModules: number;
}

function once(
  databaseUrl: string,
  args: string[],
  nodeArgs: string[] = [],
): Promise<{ firstQueryMs: number; wallMs: number; cjsModules: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [...nodeArgs, '--require', join(here, 'first-query.cjs'), migratorMain, ...args],
      { env: childEnvironment({ DATABASE_URL: databaseUrl }), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      const line = stderr.split('\n').find((text) => text.startsWith('{"event":"first-query"'));
      if (code !== 0 || line === undefined) {
        reject(new Error(`steptrail-migrate ${args.join(' ')} exited ${code}: ${stderr.slice(-1500)}`));
        return;
      }
      const { ms, cjsModules } = JSON.parse(line) as { ms: number; cjsModules: number };
      resolve({ firstQueryMs: ms, wallMs, cjsModules });
    });
  });
}

/** `runs` starts of `steptrail-migrate schema status` on a migrated SQLite database (after two untimed ones). */
export async function measureCliStart(runs: number, nodeArgs: string[] = []): Promise<CliStart> {
  requireBuilt(migratorMain);
  const dir = mkdtempSync(join(tmpdir(), 'steptrail-bench-cli-'));
  const url = `sqlite:${join(dir, 'cli.db')}`;
  try {
    await once(url, ['schema', 'up']);
    for (let warm = 0; warm < 2; warm += 1) await once(url, ['schema', 'status']);
    const samples = [];
    for (let index = 0; index < runs; index += 1)
      samples.push(await once(url, ['schema', 'status'], nodeArgs));
    return {
      firstQuery: summarize(samples.map((s) => s.firstQueryMs)),
      wall: summarize(samples.map((s) => s.wallMs)),
      cjsModules: samples[0]?.cjsModules ?? 0,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
