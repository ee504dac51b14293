import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { titleWithSkipReason } from '@steptrail/test-servers/backend-urls';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import {
  DATABASES,
  memoryMb,
  openFds,
  scratchDatabase,
  skipReasonOf,
  startApiProcess,
  type ApiUnderTest,
  type DatabaseKind,
  type ScratchDatabase,
} from './support/api-under-test.js';
import {
  describeRequest,
  hostileRequestFor,
  mayChangeProtected,
  requestBytes,
  type HostileContext,
  type HostileRequest,
} from './support/hostile-requests.js';
import { operationsOf } from './support/openapi-operations.js';
import { sendRaw, type RawAnswer } from './support/raw-client.js';
import { bySize, seed } from './support/scale.js';
import { registerFile, seedProtectedFiles, stepNames } from './support/seed-records.js';
import { recordSummary } from './support/summary.js';
import { changedRows, snapshotTables } from './support/table-snapshot.js';

/**
 * Hostile input (test/reliability/README.md): generated requests over every operation of the OpenAPI document the
 * API serves, against a real API process on each database, plus slow and never-finished clients. Nothing may answer
 * 5xx, go unanswered or end the process; the records stored before the run stay byte-identical; open files and
 * memory stay bounded.
 *
 * What a hostile request may reach: it carries a read/write token, and an admin token only where the operation takes
 * no body (DELETE by id). Valid ids in requests are those of "playground" files made for the run; a request that, if
 * valid, may change a protected file is not sent (`mayChangeProtected`: one naming a protected id where an id is
 * read, plain or compressed — random text hits small numbers — or a bulk operation whose filter is not narrowed to
 * ids); protected files have no failed step. So no *valid* write can change a protected record, and any change to
 * one is a defect. New records from valid writes are fine.
 */

const REQUESTS = bySize({ small: 300, full: 4_000 });
const TOKENS = { write: 'fuzz-pipeline-0123456789abcdef', admin: 'fuzz-admin-0123456789abcdef' };
const LIMITS = { maxJsonBytes: 64 * 1024, maxUploadBytes: 256 * 1024 };
const TIMEOUTS = { requestMs: 4_000, headersMs: 2_000 };
/** How long a complete request may wait for its answer before it counts as unanswered. */
const ANSWER_TIMEOUT_MS = 20_000;
/** Open files the server may hold above its warmed-up count afterwards (a pool connection, a log file...). */
const FD_SLACK = 6;
/** Peak resident memory of the API process over the whole run. */
const PEAK_RSS_LIMIT_MB = 512;

/**
 * Tables that hold what running processes are doing, not records: they change while the API runs whatever it is
 * sent. steptrail_reconciler: the rollup reconciler's lease and marks (docs/architecture.md#foreign-writes).
 */
const PROCESS_STATE_TABLES = ['steptrail_reconciler'];

interface Failure {
  readonly kind: string;
  readonly first: HostileRequest;
  readonly firstAnswer: RawAnswer;
  readonly minimal: HostileRequest;
  readonly minimalAnswer: RawAnswer | undefined;
}

const failureKind = (answer: RawAnswer): string | null => {
  if (answer.status >= 500) return `answered ${answer.status}`;
  if (answer.status === 0 && answer.failure === 'timeout') return `no answer within ${ANSWER_TIMEOUT_MS} ms`;
  return null;
};

const describeFailure = (failure: Failure): string =>
  `${failure.kind} — minimised by fast-check:\n${describeRequest(failure.minimal)}\n` +
  `→ ${failure.minimalAnswer?.status ?? '?'} ${failure.minimalAnswer?.body.slice(0, 300) ?? ''}\n` +
  `(first seen as:\n${describeRequest(failure.first, 200)}\n→ ${failure.firstAnswer.status} ${failure.firstAnswer.body.slice(0, 200)})`;

/** Files under `dir` (relative paths), for "no upload escaped the storage directory". */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/**
 * Clients that are slow on purpose, run beside the generated requests: a body dribbled byte by byte must still be
 * answered; a request never finished (headers, a JSON body, a multipart upload) must be cut by the server (408 or
 * a closed connection) within its request timeout, not hang on to the connection.
 */
/** The server closed the connection without an answer (a reset may swallow a 408 it wrote). */
const cutOff = (answer: RawAnswer): boolean => answer.failure === 'closed' || answer.failure === 'ECONNRESET';

async function slowClients(api: ApiUnderTest, fileId: number, step: string): Promise<string[]> {
  const host = new URL(api.url).host;
  const problems: string[] = [];
  const event = Buffer.from(JSON.stringify({ stepName: step, status: 'in_progress', message: 'slowly' }));
  const head = (method: string, path: string, headers: string[]): Buffer =>
    Buffer.from(
      [
        `${method} ${path} HTTP/1.1`,
        `Host: ${host}`,
        'Connection: close',
        `Authorization: Bearer ${TOKENS.write}`,
        ...headers,
        '',
        '',
      ].join('\r\n'),
    );
  const jsonHead = head('POST', `/api/files/${fileId}/events`, [
    'Content-Type: application/json',
    `Content-Length: ${event.length}`,
  ]);
  const boundary = 'SlowBoundary';
  const part = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 ${'x'.repeat(2000)}`,
  );
  const uploadHead = head('POST', '/api/files', [
    `Content-Type: multipart/form-data; boundary=${boundary}`,
    `Content-Length: ${part.length + 100_000}`,
  ]);
  const cut = TIMEOUTS.requestMs * 3;
  const scenarios: Array<[string, Promise<RawAnswer>, (answer: RawAnswer) => boolean]> = [
    [
      'a JSON event whose body is dribbled one byte every 5 ms',
      sendRaw(api.url, Buffer.concat([jsonHead, event]), {
        answerTimeoutMs: ANSWER_TIMEOUT_MS,
        dribbleMs: 5,
      }),
      // Answered, or cut by the server's request timeout when the dribble is slower than it (a busy test process).
      (answer) => answer.status === 201 || answer.status === 408 || cutOff(answer),
    ],
    [
      'headers never finished',
      sendRaw(api.url, Buffer.from(`POST /api/files HTTP/1.1\r\nHost: ${host}\r\nContent-Type: appl`), {
        answerTimeoutMs: cut,
      }),
      (answer) => answer.status === 408 || cutOff(answer),
    ],
    [
      'a JSON body never finished',
      sendRaw(api.url, Buffer.concat([jsonHead, event]), {
        answerTimeoutMs: cut,
        stopAfterBytes: jsonHead.length + 10,
      }),
      (answer) => answer.status === 408 || cutOff(answer),
    ],
    [
      'a multipart upload never finished',
      sendRaw(api.url, Buffer.concat([uploadHead, part]), { answerTimeoutMs: cut }),
      (answer) => answer.status === 408 || cutOff(answer),
    ],
    [
      'a multipart upload dribbled slower than the request timeout',
      sendRaw(api.url, Buffer.concat([uploadHead, part]), {
        answerTimeoutMs: cut,
        dribbleMs: 20,
        dribbleFrom: uploadHead.length,
      }),
      (answer) => answer.status === 408 || cutOff(answer),
    ],
  ];
  for (const [name, pending, acceptable] of scenarios) {
    const answer = await pending;
    if (!acceptable(answer)) {
      problems.push(
        `${name}: ${answer.status === 0 ? answer.failure : `answered ${answer.status}`} after ${answer.ms} ms ${answer.body.slice(0, 200)}`,
      );
    }
  }
  return problems;
}

function describeHostileInput(kind: DatabaseKind): void {
  const skipReason = skipReasonOf(kind);
  describe.skipIf(skipReason !== null)(titleWithSkipReason(`hostile input on ${kind}`, skipReason), () => {
    let database: ScratchDatabase | undefined;
    let api: ApiUnderTest | undefined;
    afterAll(async () => {
      await api?.stop();
      database?.remove();
    });

    test(`${REQUESTS} generated hostile requests over every operation, and slow clients: no 5xx, no exit, nothing stored changes`, async () => {
      database = await scratchDatabase(kind, `steptrail_rel_hostile_${kind}`);
      const storageDir = join(database.dir, 'storage');
      api = await startApiProcess(database, {
        API_TOKENS: `pipeline:read,write:${TOKENS.write};ops:admin:${TOKENS.admin}`,
        MAX_JSON_BYTES: String(LIMITS.maxJsonBytes),
        MAX_UPLOAD_BYTES: String(LIMITS.maxUploadBytes),
        REQUEST_TIMEOUT_MS: String(TIMEOUTS.requestMs),
        HEADERS_TIMEOUT_MS: String(TIMEOUTS.headersMs),
      });
      const running = api;
      const tag = `hostile${seed.toString(36)}`;
      const protectedIds = await seedProtectedFiles(running.url, TOKENS.write, tag);
      const playground = [
        await registerFile(running.url, TOKENS.write, `${tag}-playground-a.pdf`),
        await registerFile(running.url, TOKENS.write, `${tag}-playground-b.pdf`),
        await registerFile(running.url, TOKENS.write, `${tag}-playground-c.pdf`),
      ];
      const protectedSet = new Set(protectedIds);
      const steps = await stepNames(running.url, TOKENS.write, playground[0]!);
      const document = (await (await fetch(`${running.url}/api/openapi.json`)).json()) as Record<
        string,
        unknown
      >;
      // Deletions last: a valid one tombstones a playground file, and the operations after it would mostly get 404.
      const operations = operationsOf(document).sort(
        (a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'),
      );
      expect(operations.length).toBeGreaterThan(20);

      const storedBefore = filesUnder(storageDir).map(
        (path) => `${path} ${statSync(join(storageDir, path)).size}`,
      );
      const before = await snapshotTables(database.url);
      expect(before.get('files')?.size).toBe(protectedIds.length + playground.length);
      // Warm up every connection of the pool, so the open-file count before is the server's working count; the
      // warm-up's own connections close (each answer is its last), so they are not counted.
      const warmUp = async (): Promise<void> => {
        const answers = await Promise.all(
          Array.from({ length: 20 }, () =>
            sendRaw(
              running.url,
              Buffer.from(
                `GET /api/files?limit=1 HTTP/1.1\r\nHost: ${new URL(running.url).host}\r\nConnection: close\r\n` +
                  `Authorization: Bearer ${TOKENS.write}\r\n\r\n`,
              ),
              { answerTimeoutMs: ANSWER_TIMEOUT_MS },
            ),
          ),
        );
        expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
      };
      await warmUp();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const fdsBefore = openFds(running.pid);

      const context: HostileContext = {
        document,
        ids: playground,
        steps,
        tokens: TOKENS,
        ...LIMITS,
      };
      const host = new URL(running.url).host;
      const send = (request: HostileRequest): Promise<RawAnswer> =>
        sendRaw(running.url, requestBytes(request, host), { answerTimeoutMs: ANSWER_TIMEOUT_MS });

      const slow = slowClients(running, playground[0]!, steps[0] ?? 'hash_file');
      let sent = 0;
      let generated = 0;
      let status5xx = 0;
      let closedUnanswered = 0;
      let accepted2xx = 0;
      const failures: Failure[] = [];
      let exitedBy: HostileRequest | null = null;
      // Each operation gets its share; a failure found is minimised, then the operation's runs go on (with the
      // next seed) looking for other kinds of failure: every 5xx is counted, each kind is reported once.
      const perOperation = Math.ceil(REQUESTS / operations.length);
      for (const [index, operation] of operations.entries()) {
        const arbitrary = hostileRequestFor(context, operation).filter(
          (request) => !mayChangeProtected(request, protectedSet),
        );
        const known = new Set<string>();
        let done = 0;
        for (let round = 0; done < perOperation && exitedBy === null; round += 1) {
          let first: { request: HostileRequest; answer: RawAnswer; kind: string } | null = null;
          const answers = new Map<HostileRequest, RawAnswer>();
          const result = await fc.check(
            fc.asyncProperty(arbitrary, async (request) => {
              if (running.hasExited()) return true; // already recorded: let shrinking end
              const answer = await send(request);
              sent += 1;
              answers.set(request, answer);
              if (first === null) {
                generated += 1;
                if (answer.status >= 500) status5xx += 1;
                if (answer.status >= 200 && answer.status < 300) accepted2xx += 1;
                if (answer.status === 0 && answer.failure !== 'timeout') closedUnanswered += 1;
              }
              // A connection closed without an answer may be the process going down: give its exit a moment.
              if (answer.status === 0) await new Promise((resolve) => setTimeout(resolve, 100));
              if (running.hasExited()) {
                exitedBy = request;
                return false;
              }
              const found = failureKind(answer);
              if (found === null || known.has(found)) return true;
              first ??= { request, answer, kind: found };
              return false;
            }),
            { numRuns: perOperation - done, seed: seed + index * 1000 + round, endOnFailure: false },
          );
          done += result.numRuns;
          if (!result.failed || first === null) break;
          const {
            request,
            answer,
            kind: found,
          } = first as { request: HostileRequest; answer: RawAnswer; kind: string };
          const minimal = result.counterexample?.[0] ?? request;
          known.add(found);
          failures.push({
            kind: found,
            first: request,
            firstAnswer: answer,
            minimal,
            minimalAnswer: answers.get(minimal),
          });
        }
      }
      const slowProblems = await slow;
      sent += 5;

      const exits = running.hasExited() ? 1 : 0;
      const exitReport =
        exits === 0
          ? ''
          : `the API process exited (code ${await running.exited})${exitedBy === null ? '' : ` after:\n${describeRequest(exitedBy)}`}\nstderr: ${running.app.stderr.slice(-3000)}`;
      const health = exits === 0 ? (await fetch(`${running.url}/healthz`)).status : 0;

      // Aborted and cut requests release their files a moment after the connection goes.
      let fdsAfter = exits === 0 ? openFds(running.pid) : 0;
      for (let waited = 0; exits === 0 && fdsAfter > fdsBefore + FD_SLACK && waited < 10_000; waited += 200) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        fdsAfter = openFds(running.pid);
      }
      const memory = exits === 0 ? memoryMb(running.pid) : { rss: 0, peak: 0 };
      const after = await snapshotTables(database.url);
      const exempt = new Set(playground.map(String));
      const changed = changedRows(
        before,
        after,
        (table, row) =>
          PROCESS_STATE_TABLES.includes(table) ||
          (table === 'files'
            ? exempt.has(String(row['id']))
            : 'file_id' in row && exempt.has(String(row['file_id']))),
      );
      const storedAfter = new Set(
        filesUnder(storageDir).map((path) => `${path} ${statSync(join(storageDir, path)).size}`),
      );
      const lostStored = storedBefore.filter((entry) => !storedAfter.has(entry));
      const leftIncoming = [...storedAfter].filter((entry) => entry.startsWith('.incoming'));
      const outside = filesUnder(database.dir).filter(
        (path) =>
          !path.startsWith('storage/') &&
          !/^steptrail_rel_hostile_sqlite\.db(-wal|-shm|-journal)?$/.test(path),
      );

      const context5xx = `seed ${seed} (STEPTRAIL_RELIABILITY_SEED=${seed} replays it), ${generated} generated requests on ${kind}`;
      expect(exitReport, context5xx).toBe('');
      expect(failures.map(describeFailure), context5xx).toEqual([]);
      expect(status5xx, context5xx).toBe(0);
      expect(slowProblems, context5xx).toEqual([]);
      expect(health).toBe(200);
      expect(changed, 'records stored before the run changed').toEqual([]);
      expect(lostStored, 'stored documents gone or changed').toEqual([]);
      expect(leftIncoming, `temporary upload files left behind (${context5xx})`).toEqual([]);
      expect(outside, 'files written outside the storage directory').toEqual([]);
      expect(fdsAfter).toBeLessThanOrEqual(fdsBefore + FD_SLACK);
      expect(memory.peak).toBeLessThan(PEAK_RSS_LIMIT_MB);

      recordSummary({
        suite: 'hostile-input',
        database: kind,
        figures: { requests: sent, status5xx, exits },
        extra: {
          operations: operations.length,
          'open fds before': fdsBefore,
          'open fds after': fdsAfter,
          'peak RSS MB': memory.peak,
          'closed unanswered': closedUnanswered,
          '2xx': accepted2xx,
        },
      });
    });
  });
}

for (const kind of DATABASES) describeHostileInput(kind);
