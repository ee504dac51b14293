import { describe, expect, it } from 'vitest';
import { initialState, reconstruct, reconstructStep, type LogEntry } from '../src/index.js';
import { at, logEntry } from './support/fixtures.js';

const log = (id: number, stepName: string | null, status: string | null, extra: Partial<LogEntry> = {}) =>
  logEntry({ id, stepName, status, occurredAt: at(id), ...extra });

describe('reconstruct(logs): the fold over a file’s history', () => {
  it('folds each step from its own logs', () => {
    const { steps, eventsIgnored, eventsWithoutStep } = reconstruct([
      log(1, 'hash_file', 'in_progress'),
      log(2, 'hash_file', 'success'),
      log(3, 'check_text', 'in_progress'),
      log(4, 'check_text', 'failure', { message: 'no text layer' }),
    ]);
    expect(eventsIgnored).toBe(0);
    expect(eventsWithoutStep).toBe(0);
    expect([...steps.keys()]).toEqual(['hash_file', 'check_text']);
    expect(steps.get('hash_file')).toMatchObject({
      status: 'success',
      startedAt: at(1),
      completedAt: at(2),
      attempts: 1,
    });
    expect(steps.get('check_text')).toMatchObject({
      status: 'failure',
      errorMessage: 'no text layer',
      attempts: 1,
    });
  });

  it('rows with a null step name are history only and never touch a step', () => {
    const { steps, eventsWithoutStep, eventsIgnored } = reconstruct([
      log(1, null, 'success', { message: 'task finished' }),
      log(2, 'hash_file', 'in_progress'),
      log(3, null, 'failure'),
    ]);
    expect(eventsWithoutStep).toBe(2);
    expect(eventsIgnored).toBe(0);
    expect([...steps.keys()]).toEqual(['hash_file']);
    expect(steps.get('hash_file')?.status).toBe('in_progress');
  });

  it.each([
    ['an unknown word', 'completed'],
    ['an empty text', ''],
    ['a null status', null],
  ])('a row with %s as status changes nothing and is counted as ignored', (_case, status) => {
    const { steps, eventsIgnored } = reconstruct([
      log(1, 'hash_file', 'in_progress'),
      log(2, 'hash_file', status),
    ]);
    expect(eventsIgnored).toBe(1);
    expect(steps.get('hash_file')).toMatchObject({
      status: 'in_progress',
      attempts: 1,
      lastEvent: { id: 1 },
    });
  });

  it('a step seen only through ignored events exists as pending', () => {
    const { steps, eventsIgnored } = reconstruct([log(1, 'poll_task', 'waiting'), log(2, 'poll_task', null)]);
    expect(eventsIgnored).toBe(2);
    expect(steps.get('poll_task')).toEqual(initialState());
  });

  it('statuses are read case-insensitively and queued means pending', () => {
    const { steps } = reconstruct([
      log(1, 'hash_file', 'IN_PROGRESS'),
      log(2, 'hash_file', 'Failure', { detail: 'checksum mismatch' }),
      log(3, 'hash_file', 'QUEUED'),
    ]);
    expect(steps.get('hash_file')).toMatchObject({
      status: 'pending',
      errorMessage: 'checksum mismatch',
      completedAt: null,
      attempts: 1,
    });
  });

  it('aliased step names stay separate rows, as they were logged', () => {
    const { steps } = reconstruct([
      log(1, 'send_to_user_destinations', 'success'),
      log(2, 'send_to_all_destinations', 'in_progress'),
    ]);
    expect(steps.get('send_to_user_destinations')?.status).toBe('success');
    expect(steps.get('send_to_all_destinations')?.status).toBe('in_progress');
  });

  it('reconstruct of no logs has no steps', () => {
    expect(reconstruct([])).toEqual({ steps: new Map(), eventsIgnored: 0, eventsWithoutStep: 0 });
  });
});

describe('reconstructStep(logs)', () => {
  it.each<[string, LogEntry[], object]>([
    ['no logs leave the step pending', [], initialState()],
    [
      'ignored rows are skipped',
      [log(1, 'x', 'nope'), log(2, 'x', 'success')],
      { status: 'success', lastEvent: { id: 2, occurredAt: at(2) } },
    ],
    [
      'a retry ends with the last event',
      [
        log(1, 'x', 'in_progress'),
        log(2, 'x', 'failure'),
        log(3, 'x', 'pending'),
        log(4, 'x', 'in_progress'),
      ],
      { status: 'in_progress', attempts: 2 },
    ],
  ])('%s', (_rule, logs, expected) => {
    expect(reconstructStep(logs)).toMatchObject(expected);
  });
});
