// Benchmark (not a test): no-op steps per second with 1 and 4 worker processes per database, and claim latency
// (runnable → claimed) p50/p99. Run from the repository root:
//   npx -y pnpm@10.34.8 --filter @steptrail/worker bench [-- --files=600 --backends=sqlite,postgres --postgres=URL]
// Without --postgres/--mysql it starts throwaway servers (@steptrail/test-servers), which run with fsync off.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { StepTracker, systemClock, type LogEntry, type Store } from '@steptrail/domain';
import { migrateToLatest, openStore, parseDatabaseUrl, type DatabaseTarget } from '@steptrail/runtime';
import {
  createDatabase,
  findServers,
  startMariaDb,
  startPostgres,
  type RunningServer,
} from '@steptrail/test-servers';
import { NOOP_STEPS, noopWorkflow } from './noop-steps.js';
import { processEnv } from '@steptrail/runtime';

const { values: args } = parseArgs({
  options: {
    files: { type: 'string', default: '600' },
    backends: { type: 'string', default: 'sqlite,postgres,mysql' },
    processes: { type: 'string', default: '1,4' },
    concurrency: { type: 'string', default: '16' },
    'latency-files': { type: 'string', default: '100' },
    'latency-rate': { type: 'string', default: '10' },
    postgres: { type: 'string' },
    mysql: { type: 'string' },
  },
});

const workerRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = Number(args.files);
const concurrency = Number(args.concurrency);

interface Row {
  backend: string;
  processes: number;
  stepsPerSecond: number;
  p50: number;
  p99: number;
  samples: number;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const servers: RunningServer[] = [];
  try {
    for (const backend of args.backends.split(',')) {
      const server = await serverUrl(backend, servers);
      if (server === null) continue;
      for (const processes of args.processes.split(',').map(Number)) {
        rows.push(await measure(backend, server, processes));
        console.log(format(rows[rows.length - 1]!));
      }
    }
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
  console.log('\nbackend   procs  steps/s  claim p50 ms  claim p99 ms  latency samples');
  for (const row of rows) console.log(format(row));
}

const format = (row: Row) =>
  `${row.backend.padEnd(9)} ${String(row.processes).padStart(5)} ${row.stepsPerSecond.toFixed(0).padStart(8)} ${row.p50.toFixed(1).padStart(13)} ${row.p99.toFixed(1).padStart(13)} ${String(row.samples).padStart(16)}`;

/** 'sqlite' for SQLite; a server URL otherwise (given, or a throwaway server started here), or null to skip. */
async function serverUrl(backend: string, servers: RunningServer[]): Promise<string | null> {
  if (backend === 'sqlite') return 'sqlite';
  const given = backend === 'postgres' ? args.postgres : args.mysql;
  if (given !== undefined) return given;
  const found = findServers();
  const lookup = backend === 'postgres' ? found.postgres : found.mariadb;
  if (!lookup.available) {
    console.log(`${backend}: skipped (${lookup.reason}; install with ${lookup.installHint})`);
    return null;
  }
  const server = backend === 'postgres' ? await startPostgres() : await startMariaDb();
  servers.push(server);
  console.log(`${backend}: throwaway server at ${server.url} (fsync off: not a durable configuration)`);
  return server.url;
}

async function measure(backend: string, server: string, processes: number): Promise<Row> {
  const scratch = await mkdtemp(join(tmpdir(), 'steptrail-bench-'));
  const url =
    server === 'sqlite'
      ? `sqlite:${join(scratch, 'bench.db')}`
      : await createDatabase(server, `bench_${backend}_${processes}`);
  const target = parse(url);
  await migrateToLatest(target);
  const store = await openStore(target, { poolSize: 8 });
  const tracker = new StepTracker({ unitOfWork: store.unitOfWork, clock: systemClock });
  const workers: ChildProcess[] = [];
  try {
    const backlog = await register(tracker, files, 0);
    const started = await Promise.all(
      Array.from({ length: processes }, () => startWorkerProcess(url, scratch, workers)),
    );
    // Every process is loaded: start their workers together (see noop-worker.ts).
    const ready = await Promise.all(started.map((go) => go()));
    const windowStart = Math.max(...ready);
    await waitUntilDone(store, backlog);
    const stepsPerSecond = throughput(await logsOf(store, backlog), windowStart);
    // Latency: files arrive at a steady rate below capacity; each step's wait from runnable to claimed.
    const arrivals = await register(tracker, Number(args['latency-files']), Number(args['latency-rate']));
    await waitUntilDone(store, arrivals);
    const latencies = claimLatencies(await logsOf(store, arrivals), await createdAt(store, arrivals));
    return {
      backend,
      processes,
      stepsPerSecond,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      samples: latencies.length,
    };
  } finally {
    for (const worker of workers) worker.kill('SIGTERM');
    await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('exit', resolve))));
    await store.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

function parse(url: string): DatabaseTarget {
  const parsed = parseDatabaseUrl(url, process.cwd());
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

/** Registers `count` managed files; with a rate, paced at that many files per second. Returns their ids. */
async function register(tracker: StepTracker, count: number, perSecond: number): Promise<number[]> {
  const ids: number[] = [];
  const started = Date.now();
  for (let index = 0; index < count; index += 1) {
    if (perSecond > 0) {
      const due = started + (index * 1000) / perSecond;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    }
    const file = await tracker.registerFile({
      filehash: `bench-${Date.now()}-${index}`,
      originalFilename: null,
      localFilename: `bench/${index}`,
      fileSize: 0,
      mimeType: null,
      workflow: noopWorkflow(),
      managed: true,
    });
    ids.push(file.id);
  }
  return ids;
}

/**
 * Starts one worker process and resolves once it has loaded, with `go`: starts its worker and resolves with the time
 * it reported ready.
 */
function startWorkerProcess(
  url: string,
  scratch: string,
  workers: ChildProcess[],
): Promise<() => Promise<number>> {
  const child = spawn(
    process.execPath,
    ['--conditions=@steptrail/source', '--import', 'tsx', join('bench', 'noop-worker.ts')],
    {
      cwd: workerRoot,
      env: {
        ...processEnv(),
        NODE_OPTIONS: '',
        DATABASE_URL: url,
        STORAGE_DIR: join(scratch, 'storage'),
        WORKER_CONCURRENCY: String(concurrency),
        POLL_INTERVAL_MS: '50',
        LOG_LEVEL: 'warn',
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  workers.push(child);
  const line = (word: string) =>
    new Promise<number>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes(word)) resolve(Date.now());
      });
      child.once('exit', (code) => reject(new Error(`a worker exited with ${code} before it was ${word}`)));
    });
  const ready = line('ready');
  ready.catch(() => undefined);
  return line('loaded').then(() => () => {
    child.stdin?.write('go\n');
    return ready;
  });
}

async function waitUntilDone(store: Store, ids: readonly number[]): Promise<void> {
  const last = ids[ids.length - 1];
  if (last === undefined) return;
  for (;;) {
    const counts = await store.reads.files.countByStatus();
    if (counts.pending === 0 && counts.processing === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function logsOf(store: Store, ids: readonly number[]): Promise<LogEntry[]> {
  const logs: LogEntry[] = [];
  for (let start = 0; start < ids.length; start += 200)
    logs.push(...(await store.reads.logs.listForFiles(ids.slice(start, start + 200))));
  return logs;
}

async function createdAt(store: Store, ids: readonly number[]): Promise<Map<number, number>> {
  const result = new Map<number, number>();
  for (let start = 0; start < ids.length; start += 200) {
    for (const file of await store.reads.files.getMany(ids.slice(start, start + 200)))
      result.set(file.id, file.createdAt.getTime());
  }
  return result;
}

/**
 * Steps finished per second while every worker process was up: successes from the moment the last process was
 * ready until 95% of the backlog was done (the tail, where workers run out of work, is left out).
 */
function throughput(logs: readonly LogEntry[], windowStart: number): number {
  const done = logs
    .filter((log) => log.status === 'success')
    .map((log) => log.occurredAt.getTime())
    .sort((a, b) => a - b);
  const windowEnd = done[Math.floor(done.length * 0.95)] ?? windowStart;
  const inWindow = done.filter((time) => time >= windowStart && time <= windowEnd).length;
  return windowEnd > windowStart ? (inWindow * 1000) / (windowEnd - windowStart) : Number.NaN;
}

/** Per step: claimed (in_progress) minus runnable (the file's registration, or the previous step's success). */
function claimLatencies(logs: readonly LogEntry[], created: ReadonlyMap<number, number>): number[] {
  const at = new Map<string, number>();
  for (const log of logs) at.set(`${log.fileId}/${log.stepName}/${log.status}`, log.occurredAt.getTime());
  const latencies: number[] = [];
  for (const [fileId, registered] of created) {
    NOOP_STEPS.forEach((step, index) => {
      const runnable = index === 0 ? registered : at.get(`${fileId}/${NOOP_STEPS[index - 1]}/success`);
      const claimed = at.get(`${fileId}/${step}/in_progress`);
      if (runnable !== undefined && claimed !== undefined) latencies.push(claimed - runnable);
    });
  }
  return latencies.sort((a, b) => a - b);
}

const percentile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;

await main();
