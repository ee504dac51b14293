import type { FileJson, LogEntry, StepState } from './types.js';

// The file page's timeline, computed from the step rows and the history: per step, when it waited (queued, or
// backing off before a retry) and when it ran, attempt by attempt (docs/architecture.md#dashboard). Display only:
// the status of a step is the API's, never recomputed here.

export interface Segment {
  kind: 'wait' | 'run';
  from: number;
  to: number;
  /** How a run ended (success, failure, skipped), or null while it still runs / for waits. */
  outcome: string | null;
  open: boolean;
}

export interface StepTimeline {
  name: string;
  state: StepState;
  segments: Segment[];
  waitMs: number;
  runMs: number;
  errors: number;
  retries: number;
}

export interface Lane {
  id: string;
  title: string;
  steps: StepTimeline[];
}

export interface Timeline {
  start: number;
  end: number;
  lanes: Lane[];
}

const FINISHED = new Set(['success', 'failure', 'skipped']);
const time = (iso: string): number => new Date(iso).getTime();

/** The destination of an upload step (`queue_<d>`, `upload_to_<d>`), or null for a main or diagnostic step. */
export function destinationOf(step: string): string | null {
  const match = /^(?:queue_|upload_to_)(.+)$/.exec(step);
  return match?.[1] ?? null;
}

function segmentsOf(events: LogEntry[], queuedAt: number | null, now: number): Segment[] {
  const segments: Segment[] = [];
  let open: Segment | null = null;
  const close = (at: number, outcome: string | null): void => {
    if (open === null) return;
    segments.push({ ...open, to: Math.max(at, open.from), outcome, open: false });
    open = null;
  };
  if (queuedAt !== null && events[0]?.status !== 'pending') {
    open = { kind: 'wait', from: queuedAt, to: queuedAt, outcome: null, open: true };
  }
  for (const event of events) {
    const at = time(event.occurredAt);
    const status = event.status?.toLowerCase() ?? '';
    if (status === 'pending') {
      if (open?.kind === 'wait') continue;
      close(at, null);
      open = { kind: 'wait', from: at, to: at, outcome: null, open: true };
    } else if (status === 'in_progress') {
      close(at, null);
      open = { kind: 'run', from: at, to: at, outcome: null, open: true };
    } else if (FINISHED.has(status)) {
      if (open === null) open = { kind: 'run', from: at, to: at, outcome: null, open: true };
      close(at, status);
    }
  }
  if (open !== null) segments.push({ ...open, to: Math.max(now, open.from) });
  return segments;
}

function stepTimeline(
  name: string,
  state: StepState,
  events: LogEntry[],
  queuedAt: number | null,
  now: number,
): StepTimeline {
  const segments = segmentsOf(events, queuedAt, now);
  let started = false;
  let retries = 0;
  for (const event of events) {
    if (event.status === 'in_progress') started = true;
    if (event.status === 'pending' && started) retries += 1;
  }
  const total = (kind: Segment['kind']): number =>
    segments.filter((segment) => segment.kind === kind).reduce((sum, s) => sum + (s.to - s.from), 0);
  return {
    name,
    state,
    segments,
    waitMs: total('wait'),
    runMs: total('run'),
    errors: events.filter((event) => event.status === 'failure').length,
    retries,
  };
}

/**
 * The workflow's steps in its order; another main step (an optional one such as process_with_ocr, or a diagnostic
 * one) goes before the first workflow step that started after it, or last when it started after all of them.
 */
function mainOrder(
  workflow: readonly string[],
  names: string[],
  firstAt: (name: string) => number,
): string[] {
  const order = workflow.filter((name) => names.includes(name));
  const others = names
    .filter((name) => !order.includes(name) && destinationOf(name) === null)
    .sort((a, b) => firstAt(a) - firstAt(b));
  for (const name of others) {
    const at = order.findIndex((step) => firstAt(step) > firstAt(name));
    order.splice(at < 0 ? order.length : at, 0, name);
  }
  return order;
}

/**
 * When a main step became runnable: the first when the file was registered, the next when the one before it
 * succeeded or was skipped. A step that has not started and is not runnable (its predecessor failed, or an external
 * pipeline runs it) waits for nothing, so it gets no waiting bar.
 */
function queuedAt(
  file: FileJson,
  main: string[],
  steps: Record<string, StepState>,
  index: number,
  started: boolean,
): number | null {
  if (index === 0) return started || file.managed ? time(file.createdAt) : null;
  const previous = steps[main[index - 1] ?? ''];
  if (previous?.completedAt === null || previous?.completedAt === undefined) return null;
  const runnable = previous.status === 'success' || previous.status === 'skipped';
  return started || (file.managed && runnable) ? time(previous.completedAt) : null;
}

/** Lanes: the workflow's steps in order (then any other step by first event), and one lane per destination. */
export function buildTimeline(
  file: FileJson,
  steps: Record<string, StepState>,
  logs: LogEntry[],
  now = Date.now(),
): Timeline {
  const byStep = new Map<string, LogEntry[]>();
  for (const entry of logs) {
    if (entry.stepName === null || entry.status === null) continue;
    const list = byStep.get(entry.stepName) ?? [];
    list.push(entry);
    byStep.set(entry.stepName, list);
  }
  const firstAt = (name: string): number => {
    const first = byStep.get(name)?.[0];
    return first === undefined ? Number.MAX_SAFE_INTEGER : time(first.occurredAt);
  };
  const names = Object.keys(steps);
  const main = mainOrder(file.workflow.steps, names, firstAt);

  const created = time(file.createdAt);
  const mainSteps = main.map((name, index) => {
    const events = byStep.get(name) ?? [];
    return stepTimeline(
      name,
      steps[name]!,
      events,
      queuedAt(file, main, steps, index, events.length > 0),
      now,
    );
  });

  const destinations = new Map<string, StepTimeline[]>();
  for (const name of names.filter((step) => destinationOf(step) !== null).sort()) {
    const destination = destinationOf(name)!;
    const list = destinations.get(destination) ?? [];
    list.push(stepTimeline(name, steps[name]!, byStep.get(name) ?? [], null, now));
    destinations.set(destination, list);
  }
  for (const list of destinations.values()) list.sort((a, b) => firstAt(a.name) - firstAt(b.name));

  const lanes: Lane[] = [{ id: 'workflow', title: `Workflow “${file.workflow.name}”`, steps: mainSteps }];
  for (const [destination, list] of destinations) {
    lanes.push({ id: `destination-${destination}`, title: `Destination “${destination}”`, steps: list });
  }
  const points = lanes.flatMap((lane) =>
    lane.steps.flatMap((step) => step.segments.flatMap((s) => [s.from, s.to])),
  );
  const start = Math.min(created, ...points);
  const end = Math.max(start + 1, ...points);
  return { start, end, lanes };
}
