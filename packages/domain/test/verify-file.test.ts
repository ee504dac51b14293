import { describe, expect, it } from 'vitest';
import { verifyFile, type Discrepancy, type LogEntry, type StoredStep } from '../src/index.js';
import { at, fileRecord, logEntry, storedStep } from './support/fixtures.js';

const log = (
  id: number,
  stepName: string | null,
  status: string | null,
  message: string | null = null,
): LogEntry => logEntry({ id, stepName, status, message, occurredAt: at(id) });

/** hash_file ran twice and succeeded; check_text failed once. */
const logs = [
  log(1, 'hash_file', 'in_progress'),
  log(2, 'hash_file', 'failure', 'io error'),
  log(3, 'hash_file', 'in_progress'),
  log(4, 'hash_file', 'success'),
  log(5, 'check_text', 'in_progress'),
  log(6, 'check_text', 'failure', 'no text'),
  log(7, null, 'success', 'task done'),
];
const hashFile = storedStep(1, 'hash_file', {
  status: 'success',
  startedAt: at(1),
  completedAt: at(4),
  attempts: 2,
  lastEvent: { occurredAt: at(4), id: 4 },
});
const checkText = storedStep(1, 'check_text', {
  status: 'failure',
  startedAt: at(5),
  completedAt: at(6),
  errorMessage: 'no text',
  attempts: 1,
  lastEvent: { occurredAt: at(6), id: 6 },
});
const validSteps = [hashFile, checkText, storedStep(1, 'extract_text')];

const verify = (
  steps: readonly StoredStep[],
  withLogs: readonly LogEntry[] = logs,
  file = fileRecord(steps),
) => verifyFile({ file, logs: withLogs, steps });

describe('verifyFile', () => {
  it('a file whose rows and rollup match the fold of its logs is valid with no discrepancies', () => {
    expect(verify(validSteps)).toEqual({ fileId: 1, valid: true, discrepancies: [] });
  });

  it('initial pending rows without logs are fine', () => {
    const steps = ['hash_file', 'create_file_record', 'send_to_all_destinations'].map((name) =>
      storedStep(1, name),
    );
    expect(verify(steps, [])).toEqual({ fileId: 1, valid: true, discrepancies: [] });
  });

  it('timestamps compare at millisecond precision, not by Date identity', () => {
    const copy = {
      ...hashFile,
      startedAt: new Date(at(1).getTime()),
      completedAt: new Date(at(4).getTime()),
    };
    expect(verify([copy, checkText]).valid).toBe(true);
  });

  it('attempts are not compared', () => {
    expect(verify([{ ...hashFile, attempts: 7 }, checkText]).valid).toBe(true);
  });

  it('a real step with logs but no row is a missing_step', () => {
    const result = verify([hashFile]);
    expect(result.valid).toBe(false);
    expect(result.discrepancies).toContainEqual<Discrepancy>({
      kind: 'missing_step',
      stepName: 'check_text',
      message: 'Step check_text has logs ending in failure but no row in file_processing_steps.',
    });
  });

  it('a diagnostic step with logs but no row is fine', () => {
    const withPoll = [...logs, log(8, 'poll_task', 'in_progress'), log(9, 'poll_task', 'success')];
    expect(verify(validSteps, withPoll).valid).toBe(true);
  });

  it('a row whose state no log explains is an extra_step', () => {
    const ocr = storedStep(1, 'process_with_ocr', { status: 'success', completedAt: at(3) });
    const steps = [...validSteps, ocr];
    expect(verify(steps).discrepancies).toEqual<Discrepancy[]>([
      {
        kind: 'extra_step',
        stepName: 'process_with_ocr',
        message: 'Step process_with_ocr is success in file_processing_steps but has no log explaining it.',
      },
    ]);
  });

  it.each<[string, Partial<StoredStep>, Discrepancy]>([
    [
      'status',
      { status: 'in_progress' },
      {
        kind: 'step_field',
        stepName: 'hash_file',
        field: 'status',
        expected: 'success',
        actual: 'in_progress',
        message: 'Step hash_file: status is in_progress but its logs say success.',
      },
    ],
    [
      'startedAt',
      { startedAt: at(3) },
      {
        kind: 'step_field',
        stepName: 'hash_file',
        field: 'startedAt',
        expected: at(1).toISOString(),
        actual: at(3).toISOString(),
        message: `Step hash_file: startedAt is ${at(3).toISOString()} but its logs say ${at(1).toISOString()}.`,
      },
    ],
    [
      'completedAt',
      { completedAt: null },
      {
        kind: 'step_field',
        stepName: 'hash_file',
        field: 'completedAt',
        expected: at(4).toISOString(),
        actual: null,
        message: `Step hash_file: completedAt is empty but its logs say ${at(4).toISOString()}.`,
      },
    ],
    [
      'errorMessage',
      { errorMessage: 'io error' },
      {
        kind: 'step_field',
        stepName: 'hash_file',
        field: 'errorMessage',
        expected: null,
        actual: 'io error',
        message: 'Step hash_file: errorMessage is io error but its logs say empty.',
      },
    ],
  ])('a row whose %s differs from the fold is a step_field discrepancy', (_field, change, expected) => {
    const steps = [{ ...hashFile, ...change }, checkText];
    expect(verify(steps).discrepancies).toEqual([expected]);
  });

  it.each<[string, object, Discrepancy[]]>([
    [
      'a stale rollup status',
      { status: 'completed', hasErrors: true },
      [
        {
          kind: 'rollup',
          field: 'status',
          expected: 'failed',
          actual: 'completed',
          message: 'File 1: stored status is completed but its steps give failed.',
        },
      ],
    ],
    [
      'stale rollup counts',
      { totalSteps: 2, failedSteps: 0, hasErrors: false },
      [
        {
          kind: 'rollup',
          field: 'hasErrors',
          expected: 'true',
          actual: 'false',
          message: 'File 1: stored hasErrors is false but its steps give true.',
        },
        {
          kind: 'rollup',
          field: 'totalSteps',
          expected: '3',
          actual: '2',
          message: 'File 1: stored totalSteps is 2 but its steps give 3.',
        },
        {
          kind: 'rollup',
          field: 'failedSteps',
          expected: '1',
          actual: '0',
          message: 'File 1: stored failedSteps is 0 but its steps give 1.',
        },
      ],
    ],
  ])('%s is rollup drift', (_case, rollup, expected) => {
    expect(verify(validSteps, logs, fileRecord(validSteps, { rollup })).discrepancies).toEqual(expected);
  });

  it('a duplicate file’s rollup is checked against the duplicate rule', () => {
    const file = fileRecord(validSteps, { isDuplicate: true, rollup: { status: 'failed' } });
    expect(verify(validSteps, logs, file).discrepancies).toContainEqual(
      expect.objectContaining({ kind: 'rollup', field: 'status', expected: 'duplicate', actual: 'failed' }),
    );
  });

  it('every discrepancy message is a readable sentence', () => {
    const steps = [
      { ...hashFile, status: 'failure', errorMessage: 'x' },
      storedStep(1, 'upload_to_s3', { status: 'success' }),
    ];
    const { discrepancies } = verify(steps, logs, fileRecord(steps, { rollup: { totalSteps: 99 } }));
    expect(new Set(discrepancies.map((found) => found.kind))).toEqual(
      new Set(['missing_step', 'extra_step', 'step_field', 'rollup']),
    );
    for (const { message } of discrepancies) expect(message).toMatch(/^(Step|File) \S.* .*\.$/);
  });

  it('a step known only through ignored log rows needs no row: its fold is the initial pending state', () => {
    const notes = [...logs, log(8, 'process_with_ocr', null, 'note only'), log(9, 'upload_to_s3', 'waiting')];
    expect(verify(validSteps, notes)).toEqual({ fileId: 1, valid: true, discrepancies: [] });
  });
});
