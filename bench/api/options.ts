// The one module of the API benchmark that reads argv; everything else gets Options.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readBenchEnvironment, type BenchEnvironment } from '../config.js';
import { DATABASES, isBenchDatabase, type BenchDatabase, type Servers } from '../support/databases.js';
import { repoRoot } from '../support/workspace.js';

interface Scale {
  sizes: number[];
  statusRequests: number;
  inProcessReads: number;
  listRequests: number;
  /** Warm-up requests before each timed series. */
  warmUp: number;
  /** How often each in-process dashboard query is timed (the fold-of-logs ones a fifth as often). */
  dashboardRuns: number;
}

const SCALES: Record<string, Scale> = {
  // What CI runs so the harness cannot rot: every measurement once, on tiny data; its figures mean nothing.
  smoke: {
    sizes: [1_000],
    statusRequests: 100,
    inProcessReads: 50,
    listRequests: 20,
    warmUp: 30,
    dashboardRuns: 10,
  },
  small: {
    sizes: [10_000, 100_000],
    statusRequests: 2_000,
    inProcessReads: 1_000,
    listRequests: 200,
    warmUp: 300,
    dashboardRuns: 200,
  },
  full: {
    sizes: [10_000, 100_000, 1_000_000],
    statusRequests: 5_000,
    inProcessReads: 2_000,
    listRequests: 300,
    warmUp: 300,
    dashboardRuns: 200,
  },
};

export interface Options {
  scale: string;
  databases: BenchDatabase[];
  sizes: number[];
  statusRequests: number;
  inProcessReads: number;
  listRequests: number;
  warmUp: number;
  dashboardRuns: number;
  reportFile: string;
  servers: Servers;
}

const USAGE = `usage: npx tsx bench/api/main.ts [--scale smoke|small|full] [--databases sqlite,postgres,mariadb]
       [--sizes 10000,100000] [--requests N] [--report FILE]
Server databases come from BENCH_POSTGRES_URL / BENCH_MYSQL_URL (bench/run.ts starts throwaway servers and sets them).`;

function list(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function positiveIntegers(text: string, what: string): number[] {
  return list(text).map((item) => {
    const value = Number(item.replace(/_/g, ''));
    if (!Number.isSafeInteger(value) || value < 1)
      throw new Error(`${what} must be positive integers: ${text}`);
    return value;
  });
}

/** Parses argv and the BENCH_* variables once; a wrong value throws with the usage. */
export function readOptions(
  argv: string[] = process.argv.slice(2),
  env: BenchEnvironment = readBenchEnvironment(),
): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: 'string', default: env.scale ?? 'small' },
      databases: { type: 'string', default: env.databases ?? DATABASES.join(',') },
      sizes: { type: 'string' },
      requests: { type: 'string' },
      report: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const scale = SCALES[values.scale];
  if (scale === undefined)
    throw new Error(`--scale must be smoke, small or full, not ${values.scale}\n${USAGE}`);
  const databases = list(values.databases);
  const unknown = databases.filter((name) => !isBenchDatabase(name));
  if (unknown.length > 0) throw new Error(`unknown database ${unknown.join(', ')}\n${USAGE}`);
  const sizes = values.sizes === undefined ? scale.sizes : positiveIntegers(values.sizes, '--sizes');
  const requests =
    values.requests === undefined ? null : (positiveIntegers(values.requests, '--requests')[0] ?? null);
  return {
    scale: values.scale,
    databases: databases.filter(isBenchDatabase),
    sizes: [...sizes].sort((a, b) => a - b),
    statusRequests: requests ?? scale.statusRequests,
    inProcessReads: requests ?? scale.inProcessReads,
    listRequests: requests === null ? scale.listRequests : Math.max(20, Math.round(requests / 10)),
    warmUp: scale.warmUp,
    dashboardRuns: scale.dashboardRuns,
    reportFile:
      values.report ?? env.reportFile ?? join(repoRoot, 'bench', 'reports', `api-${values.scale}.json`),
    servers: { postgres: env.postgres, mariadb: env.mariadb },
  };
}
