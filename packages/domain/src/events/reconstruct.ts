import { foldStep, initialState, evolve, type FoldedStep } from './step-state.fold.js';
import { toStepEvent, type LogEntry } from './step-event.js';

export interface Reconstruction {
  /** Folded state per step name, for every step that has at least one log row. */
  steps: Map<string, FoldedStep>;
  /** Rows with a step name whose status the fold does not know (null, unknown words). */
  eventsIgnored: number;
  /** Rows without a step name: history only. */
  eventsWithoutStep: number;
}

/**
 * Rebuilds the current state of every step of a file from its logs.
 * `logs` must already be in (occurredAt, id) order, as repositories return them (docs/architecture.md#fold).
 */
export function reconstruct(logs: Iterable<LogEntry>): Reconstruction {
  const steps = new Map<string, FoldedStep>();
  let eventsIgnored = 0;
  let eventsWithoutStep = 0;
  for (const log of logs) {
    if (log.stepName === null) {
      eventsWithoutStep += 1;
      continue;
    }
    const current = steps.get(log.stepName) ?? initialState();
    const event = toStepEvent(log);
    if (event === null) eventsIgnored += 1;
    // A step seen only through ignored events still exists: DocuElevate's migration creates it as pending.
    steps.set(log.stepName, event === null ? current : evolve(current, event));
  }
  return { steps, eventsIgnored, eventsWithoutStep };
}

/** The state of one step rebuilt from its own ordered logs. */
export function reconstructStep(logs: Iterable<LogEntry>): FoldedStep {
  const events = [];
  for (const log of logs) {
    const event = toStepEvent(log);
    if (event !== null) events.push(event);
  }
  return foldStep(events);
}
