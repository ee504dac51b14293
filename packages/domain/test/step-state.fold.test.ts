import { describe, expect, it } from 'vitest';
import {
  appliesInOrder,
  compareEvents,
  evolve,
  foldStep,
  initialState,
  sameInstant,
  sameStepState,
  sortEvents,
  toStepEvent,
  type FoldedStep,
  type StepEvent,
} from '../src/index.js';
import { at, logEntry, stepEvent } from './support/fixtures.js';

const position = (seconds: number, id: number) => ({ occurredAt: at(seconds), id });

const blank = initialState();
const failedOnce: FoldedStep = {
  status: 'failure',
  startedAt: at(1),
  completedAt: at(5),
  errorMessage: 'boom',
  attempts: 1,
  lastEvent: position(5, 5),
};
const retrying: FoldedStep = {
  status: 'in_progress',
  startedAt: at(1),
  completedAt: null,
  errorMessage: 'boom',
  attempts: 2,
  lastEvent: position(6, 6),
};

describe('the step-state fold (docs/architecture.md#fold)', () => {
  it('the first event of an unknown step starts from a pending row with nothing set', () => {
    expect(initialState()).toEqual({
      status: 'pending',
      startedAt: null,
      completedAt: null,
      errorMessage: null,
      attempts: 0,
      lastEvent: null,
    });
  });

  it.each<[string, FoldedStep, StepEvent, Omit<FoldedStep, 'lastEvent'>]>([
    [
      'pending (re-queued) keeps startedAt, the last error and attempts, and clears completedAt',
      failedOnce,
      stepEvent('pending', 10, 10),
      { status: 'pending', startedAt: at(1), completedAt: null, errorMessage: 'boom', attempts: 1 },
    ],
    [
      'in_progress on a new step sets startedAt, clears completedAt and counts the first attempt',
      blank,
      stepEvent('in_progress', 10, 10),
      { status: 'in_progress', startedAt: at(10), completedAt: null, errorMessage: null, attempts: 1 },
    ],
    [
      'in_progress after a failure keeps the first startedAt and the error, clears completedAt and adds an attempt',
      failedOnce,
      stepEvent('in_progress', 10, 10),
      { status: 'in_progress', startedAt: at(1), completedAt: null, errorMessage: 'boom', attempts: 2 },
    ],
    [
      'success on a step never started sets startedAt and completedAt to the event time',
      blank,
      stepEvent('success', 10, 10),
      { status: 'success', startedAt: at(10), completedAt: at(10), errorMessage: null, attempts: 0 },
    ],
    [
      'success keeps startedAt, sets completedAt, clears the error and keeps attempts',
      retrying,
      stepEvent('success', 10, 10, { message: 'done' }),
      { status: 'success', startedAt: at(1), completedAt: at(10), errorMessage: null, attempts: 2 },
    ],
    [
      'failure takes its message as the error',
      retrying,
      stepEvent('failure', 10, 10, { message: 'disk full', detail: 'trace' }),
      { status: 'failure', startedAt: at(1), completedAt: at(10), errorMessage: 'disk full', attempts: 2 },
    ],
    [
      'failure without a message takes its detail as the error',
      retrying,
      stepEvent('failure', 10, 10, { detail: 'stack trace' }),
      { status: 'failure', startedAt: at(1), completedAt: at(10), errorMessage: 'stack trace', attempts: 2 },
    ],
    [
      'failure without message or detail clears the error',
      retrying,
      stepEvent('failure', 10, 10),
      { status: 'failure', startedAt: at(1), completedAt: at(10), errorMessage: null, attempts: 2 },
    ],
    [
      'failure on a step never started sets startedAt to the event time',
      blank,
      stepEvent('failure', 10, 10, { message: 'bad pdf' }),
      { status: 'failure', startedAt: at(10), completedAt: at(10), errorMessage: 'bad pdf', attempts: 0 },
    ],
    [
      'skipped on a step never started leaves startedAt empty and sets completedAt',
      blank,
      stepEvent('skipped', 10, 10, { message: 'not needed' }),
      { status: 'skipped', startedAt: null, completedAt: at(10), errorMessage: null, attempts: 0 },
    ],
    [
      'skipped keeps startedAt and attempts, sets completedAt and clears the error',
      retrying,
      stepEvent('skipped', 10, 10),
      { status: 'skipped', startedAt: at(1), completedAt: at(10), errorMessage: null, attempts: 2 },
    ],
  ])('%s', (_rule, before, event, expected) => {
    expect(evolve(before, event)).toEqual({ ...expected, lastEvent: position(10, 10) });
  });

  it('evolve never mutates the state it is given', () => {
    const before = structuredClone(failedOnce);
    evolve(failedOnce, stepEvent('in_progress', 10, 10));
    expect(failedOnce).toEqual(before);
  });

  it.each([
    ['queued', 'pending'],
    ['QUEUED', 'pending'],
    ['SUCCESS', 'success'],
    ['Skipped', 'skipped'],
  ])('a log row with status %s is read as a %s event', (raw, status) => {
    expect(toStepEvent(logEntry({ id: 3, status: raw, message: 'm', detail: 'd' }))).toEqual({
      status,
      id: 3,
      occurredAt: at(3),
      message: 'm',
      detail: 'd',
    });
  });

  it.each([['completed'], ['started'], [''], [null]])(
    'a log row with status %j is no event at all',
    (raw) => {
      expect(toStepEvent(logEntry({ id: 3, status: raw }))).toBeNull();
    },
  );

  it('a retry (in_progress, failure, in_progress, success) ends in success with the first start, no error and 2 attempts', () => {
    const events = [
      stepEvent('in_progress', 1, 1),
      stepEvent('failure', 2, 2, { message: 'timeout' }),
      stepEvent('in_progress', 3, 3),
      stepEvent('success', 4, 4),
    ];
    expect(foldStep(events)).toEqual({
      status: 'success',
      startedAt: at(1),
      completedAt: at(4),
      errorMessage: null,
      attempts: 2,
      lastEvent: position(4, 4),
    });
  });

  it('foldStep of no events is the initial state, and it can continue from a given state', () => {
    expect(foldStep([])).toEqual(initialState());
    expect(foldStep([stepEvent('success', 10, 10)], retrying).attempts).toBe(2);
  });

  it('a late in_progress event does not undo success once events are sorted', () => {
    const delivered = [stepEvent('success', 5, 1), stepEvent('in_progress', 2, 2)];
    expect(foldStep(sortEvents(delivered))).toMatchObject({
      status: 'success',
      startedAt: at(2),
      completedAt: at(5),
      attempts: 1,
    });
  });
});

describe('event order: (occurredAt, id)', () => {
  it.each([
    ['an earlier time sorts first even with a higher id', position(1, 9), position(2, 1), -1],
    ['a later time sorts last even with a lower id', position(3, 1), position(2, 9), 1],
    ['the same timestamp is ordered by id', position(2, 1), position(2, 2), -1],
    ['the same timestamp and a higher id sorts last', position(2, 7), position(2, 3), 1],
    ['the same position compares equal', position(2, 3), position(2, 3), 0],
  ])('%s', (_rule, a, b, sign) => {
    expect(Math.sign(compareEvents(a, b))).toBe(sign);
  });

  it('events with the same timestamp are folded in id order, so a start and finish in the same second never swap', () => {
    const sameSecond = [stepEvent('success', 1, 2), stepEvent('in_progress', 1, 1)];
    const sorted = sortEvents(sameSecond);
    expect(sorted.map((event) => event.id)).toEqual([1, 2]);
    expect(foldStep(sorted).status).toBe('success');
    expect(sameSecond.map((event) => event.id)).toEqual([2, 1]);
  });

  it.each([
    ['any event applies in order to a step with no events yet', initialState(), position(0, 1), true],
    ['an event after the last one applies in order', failedOnce, position(6, 1), true],
    ['an event at the same time with a higher id applies in order', failedOnce, position(5, 6), true],
    ['an event at the same time with a lower id arrived late', failedOnce, position(5, 4), false],
    ['an event sorting before the last one arrived late', failedOnce, position(4, 99), false],
    ['the last event itself does not apply again', failedOnce, position(5, 5), false],
  ])('%s', (_rule, state, event, expected) => {
    expect(appliesInOrder(state, event)).toBe(expected);
  });
});

describe('comparing step states', () => {
  it.each([
    ['equal states with equal but distinct Date objects', { ...failedOnce, startedAt: at(1) }, true],
    ['a different status', { ...failedOnce, status: 'FAILURE' }, false],
    ['a different startedAt', { ...failedOnce, startedAt: at(2) }, false],
    ['a missing completedAt', { ...failedOnce, completedAt: null }, false],
    ['a different error', { ...failedOnce, errorMessage: 'other' }, false],
    ['different attempts', { ...failedOnce, attempts: 3 }, false],
  ])('sameStepState with %s is %s', (_case, row, expected) => {
    expect(sameStepState(row, failedOnce)).toBe(expected);
  });

  it.each([
    [null, null, true],
    [at(1), null, false],
    [null, at(1), false],
    [at(1), new Date(at(1).getTime()), true],
    [at(1), new Date(at(1).getTime() + 1), false],
  ])('sameInstant(%j, %j) is %s, to the millisecond', (a, b, expected) => {
    expect(sameInstant(a, b)).toBe(expected);
  });
});
