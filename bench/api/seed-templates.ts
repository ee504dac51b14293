// The shapes of seeded files, written by the domain itself. Each template is one file of the default workflow
// driven through StepTracker on the in-memory store, event by event, with the clock at each event's time; its
// log rows, step rows and rollup are read back and replicated in bulk by SQL (seed-database.ts), shifted in time
// and id per file. So every seeded row is exactly what the domain writes, and fold(logs) == rows by construction.

import {
  DEFAULT_WORKFLOW,
  StepTracker,
  encodeWorkflow,
  type FileRollup,
  type StepStatus,
} from '@steptrail/domain';
import { MemoryStore } from '@steptrail/domain/memory';

/** Log ids are allotted per file in slots of this size: file n owns ids (n-1)*LOG_SLOTS+1 ... n*LOG_SLOTS. */
export const LOG_SLOTS = 10;
/** Templates are assigned by file id modulo this period (it covers both id % 100 and id % 8). */
export const TEMPLATE_PERIOD = 200;

const BASE = new Date('2025-01-01T00:00:00.000Z');
const STEP_GAP_MS = 600;
const WORK_MS = 400;

/**
 * The mix of overall statuses: of every 100 consecutive ids 70 completed, 10 failed, 10 processing, 10
 * pending. Where a non-completed file stands in its workflow (its frontier step, 1..8) varies with id % 8.
 */
type Kind = 'completed' | 'failed' | 'processing' | 'pending';

export function shapeOfFile(id: number): { kind: Kind; frontier: number } {
  const bucket = (id * 37) % 100;
  const kind: Kind =
    bucket < 70 ? 'completed' : bucket < 80 ? 'failed' : bucket < 90 ? 'processing' : 'pending';
  return { kind, frontier: kind === 'completed' ? 8 : 1 + (id % 8) };
}

/** The events of a file of this shape, in time order, as offsets in ms from its registration. */
interface TemplateEvent {
  offsetMs: number;
  stepName: string | null;
  status: StepStatus | null;
  message: string;
}

function eventsOf(kind: Kind, frontier: number, steps: readonly string[]): TemplateEvent[] {
  const events: TemplateEvent[] = [
    { offsetMs: 0, stepName: null, status: null, message: 'Received from the upload folder' },
  ];
  // The pipeline queues the steps it has not reached yet when it registers the file.
  steps.forEach((stepName, index) => {
    if (index + 1 > frontier)
      events.push({ offsetMs: 11 + index, stepName, status: 'pending', message: 'Queued' });
  });
  steps.forEach((stepName, index) => {
    const at = (index + 1) * STEP_GAP_MS;
    if (index + 1 < frontier) {
      events.push({ offsetMs: at + WORK_MS, stepName, status: 'success', message: 'Done' });
    } else if (index + 1 === frontier) {
      if (kind === 'pending') {
        events.push({ offsetMs: at, stepName, status: 'pending', message: 'Queued' });
        return;
      }
      events.push({ offsetMs: at, stepName, status: 'in_progress', message: 'Started' });
      if (kind === 'completed')
        events.push({ offsetMs: at + WORK_MS, stepName, status: 'success', message: 'Done' });
      if (kind === 'failed') {
        events.push({
          offsetMs: at + WORK_MS,
          stepName,
          status: 'failure',
          message: `${stepName} failed: timeout`,
        });
      }
    }
  });
  return events.sort((a, b) => a.offsetMs - b.offsetMs);
}

function offset(date: Date): number;
function offset(date: Date | null): number | null;
function offset(date: Date | null): number | null {
  return date === null ? null : date.getTime() - BASE.getTime();
}

export interface Template {
  id: number;
  kind: Kind;
  frontier: number;
  workflowJson: string;
  events: {
    seq: number;
    stepName: string | null;
    status: string | null;
    message: string | null;
    offsetMs: number;
  }[];
  steps: {
    ordinal: number;
    stepName: string;
    status: string;
    startedOff: number | null;
    completedOff: number | null;
    errorMessage: string | null;
    attempts: number;
    lastEventOff: number | null;
    lastEventSeq: number | null;
  }[];
  rollup: FileRollup & { statusChangedOff: number | null; updatedOff: number };
}

export interface Templates {
  templates: Template[];
  /** The template of each residue of id modulo TEMPLATE_PERIOD. */
  assignment: number[];
  baseMs: number;
}

/** Runs one template through the domain's write path and returns what it stored, as offsets and sequence numbers. */
async function buildTemplate(id: number, kind: Kind, frontier: number): Promise<Template> {
  const clock = { at: BASE, now: () => clock.at };
  const store = new MemoryStore();
  const tracker = new StepTracker({ unitOfWork: store.unitOfWork, clock });
  const workflow = DEFAULT_WORKFLOW;
  const file = await tracker.registerFile({
    filehash: 'template',
    originalFilename: 'template.pdf',
    localFilename: 'template.pdf',
    fileSize: 1,
    mimeType: 'application/pdf',
    workflow,
    managed: false,
  });
  for (const event of eventsOf(kind, frontier, workflow.steps)) {
    clock.at = new Date(BASE.getTime() + event.offsetMs);
    const written =
      event.stepName === null || event.status === null
        ? await tracker.logEvent(file.id, { message: event.message, occurredAt: clock.at })
        : await tracker.updateStepStatus(file.id, event.stepName, event.status, {
            occurredAt: clock.at,
            ...(event.status === 'failure' ? { errorMessage: event.message } : { message: event.message }),
          });
    if (!written.ok) throw new Error(`template ${id}: ${written.error.message}`);
  }
  const logs = await store.reads.logs.listForFiles([file.id]);
  if (logs.length > LOG_SLOTS)
    throw new Error(`template ${id} has ${logs.length} logs, more than ${LOG_SLOTS}`);
  const seqOf = new Map(logs.map((log, index) => [log.id, index]));
  const stored = await store.reads.files.get(file.id);
  if (stored === null) throw new Error(`template ${id}: the file is gone`);
  const rows = await store.reads.steps.listForFile(file.id);
  const lastOffset = Math.max(...logs.map((log) => offset(log.occurredAt)));
  return {
    id,
    kind,
    frontier,
    workflowJson: encodeWorkflow(workflow),
    events: logs.map((log, seq) => ({
      seq,
      stepName: log.stepName,
      status: log.status,
      message: log.message,
      offsetMs: offset(log.occurredAt),
    })),
    steps: rows.map((row, index) => ({
      ordinal: index + 1,
      stepName: row.stepName,
      status: row.status,
      startedOff: offset(row.startedAt),
      completedOff: offset(row.completedAt),
      errorMessage: row.errorMessage,
      attempts: row.attempts,
      lastEventOff: row.lastEvent === null ? null : offset(row.lastEvent.occurredAt),
      lastEventSeq: row.lastEvent === null ? null : (seqOf.get(row.lastEvent.id) ?? null),
    })),
    rollup: {
      ...stored.rollup,
      statusChangedOff: offset(stored.rollup.statusChangedAt),
      updatedOff: lastOffset,
    },
  };
}

/** Every template, and which template each residue of id modulo TEMPLATE_PERIOD uses. */
export async function buildTemplates(): Promise<Templates> {
  const byShape = new Map<string, Template>();
  const templates: Template[] = [];
  const assignment: number[] = [];
  for (let residue = 0; residue < TEMPLATE_PERIOD; residue += 1) {
    const { kind, frontier } = shapeOfFile(residue);
    const key = `${kind}:${frontier}`;
    let template = byShape.get(key);
    if (template === undefined) {
      template = await buildTemplate(templates.length, kind, frontier);
      byShape.set(key, template);
      templates.push(template);
    }
    assignment.push(template.id);
  }
  return { templates, assignment, baseMs: BASE.getTime() };
}
