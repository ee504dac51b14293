import { describe, expect, it } from 'vitest';
import {
  FINISHED_STEP_STATUSES,
  OVERALL_STATUSES,
  STEP_STATUSES,
  evolve,
  initialState,
  isStepStatus,
  parseOverallStatus,
  parseStepStatus,
  readLogStatus,
} from '../src/index.js';

describe('step statuses', () => {
  it('knows exactly the five step statuses and the five overall statuses', () => {
    expect([...STEP_STATUSES]).toEqual(['pending', 'in_progress', 'success', 'failure', 'skipped']);
    expect([...OVERALL_STATUSES]).toEqual(['pending', 'processing', 'completed', 'failed', 'duplicate']);
  });

  it.each(STEP_STATUSES.map((status) => [status]))(
    'a %s event gives the step a completion time exactly when it is a finished status',
    (status) => {
      const occurredAt = new Date('2024-05-01T10:00:00Z');
      const started = { ...initialState(), completedAt: new Date('2024-05-01T09:00:00Z') };
      const after = evolve(started, { id: 1, status, message: null, detail: null, occurredAt });
      const finished: readonly string[] = FINISHED_STEP_STATUSES;
      expect(after.completedAt).toEqual(finished.includes(status) ? occurredAt : null);
    },
  );

  it.each(STEP_STATUSES.map((status) => [status]))('parseStepStatus accepts %s', (status) => {
    expect(parseStepStatus(status)).toEqual({ ok: true, value: status });
    expect(isStepStatus(status)).toBe(true);
  });

  it.each([['done'], ['SUCCESS'], ['queued'], [' success'], [''], [null], [undefined], [42]])(
    'parseStepStatus rejects %j with UNKNOWN_STATUS',
    (value) => {
      expect(parseStepStatus(value)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_STATUS' } });
      expect(isStepStatus(value)).toBe(false);
    },
  );

  it('the UNKNOWN_STATUS message names the rejected value and every allowed value', () => {
    const result = parseStepStatus('done');
    if (result.ok) throw new Error('expected an error');
    expect(result.error.message).toContain('"done"');
    for (const status of STEP_STATUSES) expect(result.error.message).toContain(status);
    expect(result.error.details).toEqual({ received: 'done', allowed: [...STEP_STATUSES] });
  });

  it.each(OVERALL_STATUSES.map((status) => [status]))('parseOverallStatus accepts %s', (status) => {
    expect(parseOverallStatus(status)).toEqual({ ok: true, value: status });
  });

  it.each([['in_progress'], ['COMPLETED'], [null]])(
    'parseOverallStatus rejects %j, naming every file status',
    (value) => {
      const result = parseOverallStatus(value);
      expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_STATUS' } });
      const message = result.ok ? '' : result.error.message;
      for (const status of OVERALL_STATUSES) expect(message).toContain(status);
    },
  );
});

describe('reading statuses from log rows', () => {
  it.each([
    ['success', 'success'],
    ['SUCCESS', 'success'],
    ['Failure', 'failure'],
    ['IN_PROGRESS', 'in_progress'],
    ['skipped', 'skipped'],
    ['pending', 'pending'],
    ['queued', 'pending'],
    ['QUEUED', 'pending'],
    ['completed', null],
    ['done', null],
    ['', null],
    [null, null],
    [undefined, null],
  ])('readLogStatus(%j) is %j', (raw, expected) => {
    expect(readLogStatus(raw)).toBe(expected);
  });

  it.each([[' success'], ['success '], ['in progress']])(
    'readLogStatus(%j) is null: only the letter case is lenient, as with SQL LOWER()',
    (raw) => {
      expect(readLogStatus(raw)).toBeNull();
    },
  );
});
