// The one module of the API benchmark that reads argv and the environment; everything else gets Options.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './workspace.mjs';

export const DATABASES = ['sqlite', 'postgres', 'mariadb'];

const SCALES = {
  small: { sizes: [10_000, 100_000], statusRequests: 2_000, inProcessReads: 1_000, listRequests: 200 },
  full: {
    sizes: [10_000, 100_000, 1_000_000],
    statusRequests: 5_000,
    inProcessReads: 2_000,
    listRequests: 300,
  },
};

const USAGE = `usage: node bench/api/main.mjs [--scale small|full] [--databases sqlite,postgres,mariadb]
       [--sizes 10000,100000] [--requests N] [--report FILE]
Server databases come from BENCH_POSTGRES_URL / BENCH_MYSQL_URL (bench/run.mjs starts throwaway servers and sets them).`;

function list(text, what, allowed) {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  for (const item of items) {
    if (allowed !== undefined && !allowed.includes(item))
      throw new Error(`unknown ${what} ${item}\n${USAGE}`);
  }
  return items;
}

function positiveIntegers(text, what) {
  return list(text, what).map((item) => {
    const value = Number(item.replace(/_/g, ''));
    if (!Number.isSafeInteger(value) || value < 1)
      throw new Error(`${what} must be positive integers: ${text}`);
    return value;
  });
}

/** Parses argv and the BENCH_* variables once; a wrong value throws with the usage. */
export function readOptions(argv = process.argv.slice(2), env = process.env) {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: 'string', default: env.BENCH_SCALE ?? 'small' },
      databases: { type: 'string', default: env.BENCH_DATABASES ?? DATABASES.join(',') },
      sizes: { type: 'string' },
      requests: { type: 'string' },
      report: { type: 'string', default: env.BENCH_REPORT_FILE },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const scale = SCALES[values.scale];
  if (scale === undefined) throw new Error(`--scale must be small or full, not ${values.scale}\n${USAGE}`);
  const sizes = values.sizes === undefined ? scale.sizes : positiveIntegers(values.sizes, '--sizes');
  const requests = values.requests === undefined ? null : positiveIntegers(values.requests, '--requests')[0];
  return {
    scale: values.scale,
    databases: list(values.databases, 'database', DATABASES),
    sizes: [...sizes].sort((a, b) => a - b),
    statusRequests: requests ?? scale.statusRequests,
    inProcessReads: requests ?? scale.inProcessReads,
    listRequests: requests === null ? scale.listRequests : Math.max(20, Math.round(requests / 10)),
    reportFile: values.report ?? join(repoRoot, 'bench', 'reports', `api-${values.scale}.json`),
    servers: {
      postgres: { url: blank(env.BENCH_POSTGRES_URL), skip: blank(env.BENCH_POSTGRES_SKIP) },
      mariadb: { url: blank(env.BENCH_MYSQL_URL), skip: blank(env.BENCH_MYSQL_SKIP) },
    },
  };
}

const blank = (value) => (value === undefined || value.trim() === '' ? null : value.trim());
