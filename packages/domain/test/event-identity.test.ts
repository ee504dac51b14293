import { describe, expect, test } from 'vitest';
import { conflictWithFirst, eventFingerprint, parseEventId } from '../src/events/event-identity.js';
import {
  decodeRecordedEvent,
  encodeRecordedEvent,
  type RecordedEvent,
} from '../src/events/recorded-event.js';
import { stepCounting, strictRefusal } from '../src/status/step-counting.js';
import {
  decodeWorkflow,
  DEFAULT_WORKFLOW,
  defineWorkflow,
  encodeWorkflow,
} from '../src/workflow/workflow.js';

describe('event ids', () => {
  test.each([
    ['a UUID', '0b6f3c1e-8a0e-4f6e-9a7b-2f1d3c4b5a69', true],
    ['a composed id', 'task-17:hash_file:start', true],
    ['128 characters', 'x'.repeat(128), true],
    ['129 characters', 'x'.repeat(129), false],
    ['an empty id', '', false],
    ['a space', 'task 17', false],
    ['non-ASCII', 'tâche-17', false],
  ])('%s is %s', (_label, id, valid) => {
    expect(parseEventId(id).ok).toBe(valid);
  });
});

describe('the fingerprint of an event', () => {
  const base = { occurredAt: new Date('2026-01-01T00:00:00Z'), message: 'ok' };

  test('the same fields give the same fingerprint; an absent field equals null', () => {
    const withNull = { ...base, detail: null, taskId: undefined };
    expect(eventFingerprint('hash_file', 'success', base)).toBe(
      eventFingerprint('hash_file', 'success', withNull),
    );
  });

  test('the same instant in another notation is the same event', () => {
    const sameInstant = { ...base, occurredAt: new Date('2026-01-01T01:00:00+01:00') };
    expect(eventFingerprint('hash_file', 'success', sameInstant)).toBe(
      eventFingerprint('hash_file', 'success', base),
    );
  });

  test.each([
    ['another status', 'failure', base],
    ['another message', 'success', { ...base, message: 'ok!' }],
    ['another time', 'success', { ...base, occurredAt: new Date('2026-01-01T00:00:00.001Z') }],
    ['a task id', 'success', { ...base, taskId: 't1' }],
    ['no time given', 'success', { message: 'ok' }],
  ])('%s is a different event', (_label, status, options) => {
    expect(eventFingerprint('hash_file', status, options)).not.toBe(
      eventFingerprint('hash_file', 'success', base),
    );
  });

  test('a repeated id with the same fingerprint is a duplicate, with another a conflict naming the first row', () => {
    const first = { fileId: 4, eventId: 'e-1', fingerprint: 'abc', logId: 17 };
    expect(conflictWithFirst(first, 'abc')).toBeNull();
    const conflict = conflictWithFirst(first, 'abd');
    expect(conflict?.code).toBe('EVENT_ID_CONFLICT');
    expect(conflict?.message).toMatch(
      /^Event id "e-1" of file 4 was already used for a different event \(recorded as history row 17\)/,
    );
  });
});

describe('a recorded event as stored in a receipt', () => {
  const event: RecordedEvent = {
    logId: 9,
    stepName: 'hash_file',
    step: {
      status: 'failure',
      startedAt: new Date(0),
      completedAt: new Date(5),
      errorMessage: 'x',
      attempts: 2,
    },
    status: {
      status: 'failed',
      hasErrors: true,
      totalSteps: 1,
      completedSteps: 0,
      failedSteps: 1,
      inProgressSteps: 0,
      skippedSteps: 0,
    },
    counting: { counts: true, reason: null },
  };

  test('reads back exactly what was written', () => {
    expect(decodeRecordedEvent(encodeRecordedEvent(event))).toEqual(event);
  });

  test.each([
    'not json',
    '{}',
    JSON.stringify({ ...event, logId: '9' }),
    JSON.stringify({ ...event, status: {} }),
  ])('refuses %s', (text) => {
    expect(decodeRecordedEvent(text)).toBeNull();
  });
});

describe('whether a step counts', () => {
  const file = { id: 3, isDuplicate: false, workflow: DEFAULT_WORKFLOW };

  test.each([
    ['a workflow step', 'extract_text', true],
    ['an optional main step', 'process_with_ocr', true],
    ['an alias of a workflow step', 'send_to_user_destinations', true],
    ['an upload step', 'upload_to_dropbox', true],
    ['a diagnostic step', 'poll_task', false],
  ])('%s: %s counts = %s', (_label, step, counts) => {
    const counting = stepCounting(file, step);
    expect(counting.counts).toBe(counts);
    expect(counting.reason === null).toBe(counts);
  });

  test('the reason names the workflow and its steps', () => {
    expect(stepCounting(file, 'my_custom_step').reason).toMatch(
      /^Step "my_custom_step" is not in workflow "default" \(hash_file, create_file_record, .*\).*does not count toward the status of file 3\.$/,
    );
  });

  test('no step of a duplicate counts, and the reason says why', () => {
    expect(stepCounting({ ...file, isDuplicate: true }, 'hash_file')).toEqual({
      counts: false,
      reason: 'File 3 is marked as a duplicate: its status is duplicate whatever its steps do.',
    });
  });
});

describe('strict workflows', () => {
  const defined = defineWorkflow('tight', ['hash_file', 'extract_text'], { strict: true });
  if (!defined.ok) throw new Error(defined.error.message);
  const tight = defined.value;

  test('strictness is stored with the snapshot, and a lenient snapshot is stored as before', () => {
    expect(decodeWorkflow(encodeWorkflow(tight))).toEqual(tight);
    expect(encodeWorkflow(DEFAULT_WORKFLOW)).not.toContain('strict');
  });

  test('a step that counts is accepted; any other is refused with the steps it accepts', () => {
    const file = { id: 5, workflow: tight };
    expect(strictRefusal(file, 'extract_text')).toBeNull();
    expect(strictRefusal(file, 'upload_to_s3')).toBeNull();
    expect(strictRefusal(file, 'process_with_ocr')).toBeNull();
    expect(strictRefusal(file, 'my_custom_step')).toMatchObject({
      code: 'STEP_NOT_IN_WORKFLOW',
      details: { workflow: 'tight', steps: ['hash_file', 'extract_text'] },
    });
    expect(strictRefusal({ id: 5, workflow: DEFAULT_WORKFLOW }, 'my_custom_step')).toBeNull();
  });
});
