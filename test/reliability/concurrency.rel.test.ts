import { titleWithSkipReason } from '@steptrail/test-servers/backend-urls';
import { afterAll, describe, expect, test } from 'vitest';
import {
  DATABASES,
  scratchDatabase,
  skipReasonOf,
  startApiProcess,
  verifyAll,
  type ApiUnderTest,
  type DatabaseKind,
  type ScratchDatabase,
} from './support/api-under-test.js';
import { bySize, seed } from './support/scale.js';
import { registerFile, stepNames, type SeedEvent } from './support/seed-records.js';
import { recordSummary } from './support/summary.js';
import { snapshotTables } from './support/table-snapshot.js';

/**
 * Concurrency (test/reliability/README.md): 50 clients post events with random statuses and times — some with an
 * eventId another client sends too — at ONE step of one file, then at many steps of ONE file, through one API
 * process and through two sharing the database, on every database. Nothing may be lost: the log holds exactly one
 * row per accepted event (an eventId once, however often it was sent), and `verify --all` finds every step equal to
 * the fold of its history and every file's rollup equal to the status rule.
 */

const CLIENTS = 50;
const EVENTS_PER_CLIENT = bySize({ small: 4, full: 40 });
/** Events of the shared pool: each carries an eventId, and several clients send it. */
const POOL = bySize({ small: 20, full: 200 });
const STATUSES = ['pending', 'in_progress', 'success', 'failure', 'skipped'] as const;
const TOKEN = 'concurrency-pipeline-0123456789';
/** A busy database may answer 503 ("retry"): the client retries, as a pipeline would, this many times. */
const RETRIES_ON_503 = 50;

/** A small seeded generator (mulberry32), so a run's events are repeatable from its seed. */
function random(from: number): () => number {
  let state = from >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Outcome {
  requests: number;
  retried503: number;
  latencies: number[];
  /** Messages of the events the API accepted (201), each once. */
  accepted: Set<string>;
  /** Answers other than 201 and 503, which no client here should get. */
  unexpected: string[];
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0
    ? 0
    : Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
};

/** 50 clients, each posting its events one after the other to the API processes in turn. */
async function runClients(
  apis: readonly ApiUnderTest[],
  fileId: number,
  steps: readonly string[],
  runSeed: number,
): Promise<Outcome> {
  const next = random(runSeed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const time = (): string => new Date(Date.UTC(2024, 0, 1) + Math.floor(next() * 86_400_000)).toISOString();
  const event = (message: string, eventId?: string): SeedEvent => {
    const status = pick(STATUSES);
    return {
      stepName: pick(steps),
      status,
      occurredAt: time(),
      // A failure's errorMessage is its log message: the same token either way.
      ...(status === 'failure' ? { errorMessage: message } : { message }),
      ...(eventId === undefined ? {} : { eventId }),
    };
  };
  const pool = Array.from({ length: POOL }, (_, k) => event(`pool-${k}`, `pool-${runSeed}-${k}`));
  const plans = Array.from({ length: CLIENTS }, (_, client) =>
    Array.from({ length: EVENTS_PER_CLIENT }, (_, index) =>
      next() < 0.3 ? pick(pool) : event(`c${client}-e${index}`),
    ),
  );
  const outcome: Outcome = { requests: 0, retried503: 0, latencies: [], accepted: new Set(), unexpected: [] };
  await Promise.all(
    plans.map(async (plan, client) => {
      const api = apis[client % apis.length]!;
      for (const planned of plan) {
        for (let attempt = 0; ; attempt += 1) {
          const started = performance.now();
          const response = await fetch(`${api.url}/api/files/${fileId}/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
            body: JSON.stringify(planned),
          });
          const text = await response.text();
          outcome.latencies.push(performance.now() - started);
          outcome.requests += 1;
          if (response.status === 201) {
            outcome.accepted.add(planned.message ?? planned.errorMessage ?? '');
            break;
          }
          if (response.status === 503 && attempt < RETRIES_ON_503) {
            outcome.retried503 += 1;
            await new Promise((resolve) => setTimeout(resolve, 20 + attempt * 10));
            continue;
          }
          outcome.unexpected.push(`${response.status} for ${JSON.stringify(planned)}: ${text.slice(0, 300)}`);
          break;
        }
      }
    }),
  );
  return outcome;
}

/** The messages of a file's log rows, read from processing_logs through the database's own driver. */
async function logMessages(databaseUrl: string, fileId: number): Promise<string[]> {
  const rows = (await snapshotTables(databaseUrl)).get('processing_logs') ?? new Map<string, string>();
  return [...rows.values()]
    .map((row) => JSON.parse(row) as Record<string, unknown>)
    .filter((row) => String(row['file_id']) === String(fileId))
    .map((row) => String(row['message']));
}

function describeConcurrency(kind: DatabaseKind): void {
  const skipReason = skipReasonOf(kind);
  describe.skipIf(skipReason !== null)(
    titleWithSkipReason(`concurrent writers on ${kind}`, skipReason),
    () => {
      const databases: ScratchDatabase[] = [];
      const apis: ApiUnderTest[] = [];
      afterAll(async () => {
        await Promise.all(apis.map((api) => api.stop()));
        for (const database of databases) database.remove();
      });

      test(`${CLIENTS} clients at one step, then at many steps of one file, through one API process and then two: nothing lost, every step its fold`, async () => {
        const database = await scratchDatabase(kind, `steptrail_rel_concurrency_${kind}`);
        databases.push(database);
        const running: ApiUnderTest[] = [];
        const problems: string[] = [];
        const figures: Array<{
          processes: number;
          outcomes: Outcome[];
          lostEvents: number;
          doubled: number;
        }> = [];
        for (const processes of [1, 2]) {
          // The second phase adds a process beside the first: two APIs writing to one database.
          const api = await startApiProcess(
            database,
            { API_TOKENS: `pipeline:read,write:${TOKEN}` },
            `${database.dir}/storage`,
          );
          apis.push(api);
          running.push(api);
          const url = running[0]!.url;
          const oneStepFile = await registerFile(url, TOKEN, `concurrency-one-step-${processes}-${seed}.pdf`);
          const manyStepsFile = await registerFile(
            url,
            TOKEN,
            `concurrency-many-steps-${processes}-${seed}.pdf`,
          );
          const workflowSteps = await stepNames(url, TOKEN, manyStepsFile);
          const oneStep = await runClients(
            running,
            oneStepFile,
            [workflowSteps[0] ?? 'hash_file'],
            seed + processes,
          );
          const manySteps = await runClients(
            running,
            manyStepsFile,
            [...workflowSteps, 'outside_step_a', 'outside_step_b'],
            seed + 10 + processes,
          );
          let lostEvents = 0;
          let doubled = 0;
          for (const [name, fileId, outcome] of [
            [`${processes} API, one step`, oneStepFile, oneStep],
            [`${processes} API, many steps`, manyStepsFile, manySteps],
          ] as const) {
            problems.push(...outcome.unexpected.map((text) => `${name}: ${text}`));
            const messages = await logMessages(database.url, fileId);
            const counts = new Map<string, number>();
            for (const message of messages) counts.set(message, (counts.get(message) ?? 0) + 1);
            for (const message of outcome.accepted) {
              const count = counts.get(message) ?? 0;
              if (count === 0) lostEvents += 1;
              if (count > 1) doubled += count - 1;
              if (count !== 1) problems.push(`${name}: accepted event ${message} has ${count} log rows`);
            }
            const unaccepted = [...counts.keys()].filter(
              (message) => /^(pool|c)\d*-/.test(message) && !outcome.accepted.has(message),
            );
            problems.push(
              ...unaccepted.map((message) => `${name}: log row ${message} for an event never accepted`),
            );
          }
          figures.push({ processes, outcomes: [oneStep, manySteps], lostEvents, doubled });
        }
        const verification = await verifyAll(database.url);

        expect(
          running.map((api) => api.hasExited()),
          'an API process exited',
        ).toEqual(running.map(() => false));
        expect(problems).toEqual([]);
        expect(figures.map((figure) => figure.lostEvents)).toEqual([0, 0]);
        expect(verification.report).toMatchObject({ invalidFiles: [], filesInvalid: 0 });
        expect(verification.code).toBe(0);

        for (const { processes, outcomes, lostEvents, doubled } of figures) {
          const latencies = outcomes.flatMap((outcome) => outcome.latencies);
          recordSummary({
            suite: 'concurrency',
            database: `${kind} ×${processes} API`,
            figures: {
              requests: outcomes.reduce((sum, outcome) => sum + outcome.requests, 0),
              events: outcomes.reduce((sum, outcome) => sum + outcome.accepted.size, 0),
              lostEvents,
              exits: 0,
            },
            extra: {
              'p50 ms': percentile(latencies, 50),
              'p99 ms': percentile(latencies, 99),
              '503 retried': outcomes.reduce((sum, outcome) => sum + outcome.retried503, 0),
              'duplicate rows': doubled,
            },
          });
        }
      });
    },
  );
}

for (const kind of DATABASES) describeConcurrency(kind);
