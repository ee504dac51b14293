import { describe, expect, test } from 'vitest';
import type { WorkerReport } from './fleet.js';
import { emptyVerdict, judgeReporterEvents, judgeWorkerReports, type LogRow } from './final-state.js';
import { REPORTED_STEP, type ReportedEvent } from './reporter.js';

// The chaos suite's checks must be able to fail: each case below is a history that loses or doubles an event.

let nextId = 1;
const row = (stepName: string, status: string | null, message: string): LogRow => ({
  id: nextId++,
  stepName,
  status,
  message,
  occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, nextId)).toISOString(),
});

const event = (fileId: number, status: ReportedEvent['status']): ReportedEvent => ({
  fileId,
  eventId: `run-${fileId}-${status}`,
  stepName: REPORTED_STEP,
  status,
  message: `reporter run-${fileId}-${status}`,
  occurredAt: '2026-01-01T00:00:00.000Z',
});

const report = (kind: WorkerReport['kind'], extra: Partial<WorkerReport>): WorkerReport => ({
  process: 'worker-1',
  workerId: 'worker-1.1',
  kind,
  fileId: 7,
  step: 'hash_file',
  attempt: null,
  status: null,
  ...extra,
});

describe("the chaos suite's event checks", () => {
  const start = event(7, 'in_progress');
  const end = event(7, 'success');
  const accepted = new Map([start, end].map((one) => [one.eventId, one]));

  test('an accepted event found once each passes; a stall failure of an abandoned step is explained', () => {
    const verdict = emptyVerdict();
    const abandoned = event(8, 'in_progress');
    judgeReporterEvents(
      verdict,
      { accepted: new Map([...accepted, [abandoned.eventId, abandoned]]), abandoned: [abandoned] },
      new Map([
        [7, [row(REPORTED_STEP, 'in_progress', start.message), row(REPORTED_STEP, 'success', end.message)]],
        [
          8,
          [row(REPORTED_STEP, 'in_progress', abandoned.message), row(REPORTED_STEP, 'failure', 'Stalled: …')],
        ],
      ]),
    );
    expect(verdict.lost).toEqual([]);
    expect(verdict.stuck).toEqual([]);
    expect(verdict.eventsChecked).toBe(3);
  });

  test('an accepted event without its row, or with two, is lost; a row nobody sent is reported too', () => {
    const verdict = emptyVerdict();
    judgeReporterEvents(
      verdict,
      { accepted, abandoned: [] },
      new Map([
        [
          7,
          [
            row(REPORTED_STEP, 'in_progress', start.message),
            row(REPORTED_STEP, 'in_progress', start.message),
            row(REPORTED_STEP, 'success', 'reporter run-7-other'),
          ],
        ],
      ]),
    );
    expect(verdict.lost).toEqual([
      'accepted event run-7-in_progress (in_progress) has 2 history rows instead of 1',
      'accepted event run-7-success (success) has 0 history rows instead of 1',
      'history row of event run-7-other, which was never accepted',
    ]);
  });

  test('an abandoned step that never stalled is stuck', () => {
    const verdict = emptyVerdict();
    judgeReporterEvents(
      verdict,
      { accepted: new Map([[start.eventId, start]]), abandoned: [start] },
      new Map([[7, [row(REPORTED_STEP, 'in_progress', start.message)]]]),
    );
    expect(verdict.stuck).toEqual([`file 7: the abandoned ${REPORTED_STEP} was never failed as stalled`]);
  });

  test("a worker's claim and outcome match the attempt-th claim row and the row after it", () => {
    const history = [
      row('hash_file', 'in_progress', 'Claimed by worker worker-2.1'),
      row('hash_file', 'pending', 'Lease of worker worker-2.1 expired; re-queued'),
      row('hash_file', null, 'a note'),
      row('hash_file', 'in_progress', 'Claimed by worker worker-1.1'),
      row('hash_file', 'success', 'hashed'),
    ];
    const reports = [report('claimed', { attempt: 2 }), report('finished', { status: 'success' })];
    const verdict = emptyVerdict();
    judgeWorkerReports(verdict, reports, new Map([[7, history]]));
    expect(verdict.lost).toEqual([]);
    expect(verdict.eventsChecked).toBe(2);
  });

  test('a claim whose row is missing, and an outcome not stored after its claim, are lost', () => {
    const history = [
      row('hash_file', 'in_progress', 'Claimed by worker worker-2.1'),
      row('hash_file', 'pending', 'Lease of worker worker-2.1 expired; re-queued'),
    ];
    const reports = [report('claimed', { attempt: 2 }), report('finished', { status: 'success' })];
    const verdict = emptyVerdict();
    judgeWorkerReports(verdict, reports, new Map([[7, history]]));
    expect(verdict.lost).toEqual([
      'file 7 hash_file: worker worker-1.1 claimed attempt 2, but that in_progress row is missing (1 in_progress rows)',
      'file 7 hash_file: worker worker-1.1 recorded success after its claim (attempt 2), but the next row is missing',
    ]);
  });

  test('an outcome stored as something else after the claim is lost', () => {
    const history = [
      row('hash_file', 'in_progress', 'Claimed by worker worker-1.1'),
      row('hash_file', 'pending', 'Lease of worker worker-1.1 expired; re-queued'),
    ];
    const reports = [report('claimed', { attempt: 1 }), report('finished', { status: 'success' })];
    const verdict = emptyVerdict();
    judgeWorkerReports(verdict, reports, new Map([[7, history]]));
    expect(verdict.lost).toEqual([
      'file 7 hash_file: worker worker-1.1 recorded success after its claim (attempt 1), but the next row is ' +
        'pending "Lease of worker worker-1.1 expired; re-queued"',
    ]);
  });
});
