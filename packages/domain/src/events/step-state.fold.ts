import type { StepStatus } from '../status/step-status.js';
import { compareEvents, type EventPosition, type StepEvent } from './step-event.js';

/** The current state of one step: what `file_processing_steps` holds for it. */
export interface StepState {
  status: StepStatus;
  startedAt: Date | null;
  completedAt: Date | null;
  errorMessage: string | null;
  attempts: number;
}

/** A step state plus the position of the last event folded into it (null: none yet). */
export interface FoldedStep extends StepState {
  lastEvent: EventPosition | null;
}

export function initialState(): FoldedStep {
  return {
    status: 'pending',
    startedAt: null,
    completedAt: null,
    errorMessage: null,
    attempts: 0,
    lastEvent: null,
  };
}

/** Applies one event; the fold table in docs/architecture.md#fold, row for row. */
export function evolve(state: FoldedStep, event: StepEvent): FoldedStep {
  const lastEvent: EventPosition = { occurredAt: event.occurredAt, id: event.id };
  switch (event.status) {
    case 'pending':
      return { ...state, status: 'pending', completedAt: null, lastEvent };
    case 'in_progress':
      return {
        ...state,
        status: 'in_progress',
        startedAt: state.startedAt ?? event.occurredAt,
        completedAt: null,
        attempts: state.attempts + 1,
        lastEvent,
      };
    case 'success':
      return {
        ...state,
        status: 'success',
        startedAt: state.startedAt ?? event.occurredAt,
        completedAt: event.occurredAt,
        errorMessage: null,
        lastEvent,
      };
    case 'failure':
      return {
        ...state,
        status: 'failure',
        startedAt: state.startedAt ?? event.occurredAt,
        completedAt: event.occurredAt,
        errorMessage: event.message ?? event.detail ?? null,
        lastEvent,
      };
    case 'skipped':
      return { ...state, status: 'skipped', completedAt: event.occurredAt, errorMessage: null, lastEvent };
    default:
      return assertNever(event);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unhandled step event ${JSON.stringify(value)}`);
}

/** Folds events that are already in (occurredAt, id) order. */
export function foldStep(events: Iterable<StepEvent>, from: FoldedStep = initialState()): FoldedStep {
  let state = from;
  for (const event of events) state = evolve(state, event);
  return state;
}

/** True when `event` sorts after the last event folded into `state`, so it can be applied in O(1). */
export function appliesInOrder(state: FoldedStep, event: EventPosition): boolean {
  return state.lastEvent === null || compareEvents(state.lastEvent, event) < 0;
}

/** Same status, timestamps (to the millisecond), error and attempts; `a` may be a stored row with legacy text. */
export function sameStepState(a: Omit<StepState, 'status'> & { status: string }, b: StepState): boolean {
  return (
    a.status === b.status &&
    sameInstant(a.startedAt, b.startedAt) &&
    sameInstant(a.completedAt, b.completedAt) &&
    a.errorMessage === b.errorMessage &&
    a.attempts === b.attempts
  );
}

/** sameStepState and the same last event: a rebuild leaves such a row as it is. */
export function sameFoldedStep(a: Omit<FoldedStep, 'status'> & { status: string }, b: FoldedStep): boolean {
  if (!sameStepState(a, b)) return false;
  if (a.lastEvent === null || b.lastEvent === null) return a.lastEvent === b.lastEvent;
  return a.lastEvent.id === b.lastEvent.id && sameInstant(a.lastEvent.occurredAt, b.lastEvent.occurredAt);
}

export function sameInstant(a: Date | null, b: Date | null): boolean {
  if (a === null || b === null) return a === b;
  return a.getTime() === b.getTime();
}
