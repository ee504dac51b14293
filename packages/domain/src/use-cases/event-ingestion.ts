import { conflictWithFirst, eventFingerprint, parseEventId } from '../events/event-identity.js';
import type { RecordedEvent } from '../events/recorded-event.js';
import type { FileRecord } from '../files/file-record.js';
import type { Clock } from '../ports/clock.js';
import type { EventReceipt } from '../ports/event-receipt-store.js';
import { isStoreError } from '../ports/store-error.js';
import type { Repositories, UnitOfWork } from '../ports/unit-of-work.js';
import { domainError, err, ok, type DomainError, type Result } from '../result.js';
import { overallStatusOf } from '../status/overall-status.js';
import { stepCounting, strictRefusal, type StepCounting } from '../status/step-counting.js';
import { withLockedFile } from './locked-file.js';
import { StepBatch, type AppliedEvent, type StepChange } from './step-batch.js';
import { prepareChange, type StepUpdateOptions } from './step-update-options.js';

/** The most events one call of recordMany takes (docs/architecture.md#batched-events). */
export const MAX_EVENTS_PER_BATCH = 1000;

/** An event from outside: a step's new status, optionally with a client-chosen id unique per file. */
export interface IncomingEvent extends StepUpdateOptions {
  fileId: number;
  eventId?: string | null | undefined;
  stepName: string;
  status: string;
}

/** Why an event was refused: its content, its time, its file, its id, or a strict workflow. */
export type RefusalReason = 'validation' | 'ordering' | 'unknown_file' | 'conflict' | 'not_in_workflow';

export type EventResult =
  | { result: 'applied'; event: RecordedEvent }
  /** The event id was recorded before: nothing was written, `event` is the first answer. */
  | { result: 'duplicate'; event: RecordedEvent }
  | { result: 'refused'; reason: RefusalReason; error: DomainError };

export interface EventIngestionDeps {
  unitOfWork: UnitOfWork;
  clock: Clock;
}

interface Prepared {
  index: number;
  change: StepChange;
  eventId: string | null;
  fingerprint: string;
}

type Slot =
  | { kind: 'apply'; item: Prepared; counting: StepCounting }
  | { kind: 'done'; result: EventResult }
  /** A repetition of an event applied earlier in the same call. */
  | { kind: 'repeat'; of: number };

/**
 * Events reported by pipelines steptrail does not run: idempotent by event id, batched per file, and never silent
 * about a step that does not count (docs/architecture.md#idempotent-events). Every event goes through the same
 * machinery as StepTracker.updateStepStatus: log row, step row and rollup in one transaction per file.
 */
export class EventIngestion {
  constructor(private readonly deps: EventIngestionDeps) {}

  /** One event: applied, or (a repeated id) the first answer again with `duplicate` set; refusals are errors. */
  async record(event: IncomingEvent): Promise<Result<{ event: RecordedEvent; duplicate: boolean }>> {
    const results = await this.recordMany([event]);
    const [only] = results.ok ? results.value : [];
    if (only === undefined) throw new Error('One event gave no result.');
    if (only.result === 'refused') return err(only.error);
    return ok({ event: only.event, duplicate: only.result === 'duplicate' });
  }

  /**
   * Up to MAX_EVENTS_PER_BATCH events for any files; a result per event, in order. Each file's events are applied
   * in their order in one transaction; a refused event changes nothing and keeps no other event from applying.
   */
  async recordMany(events: readonly IncomingEvent[]): Promise<Result<EventResult[]>> {
    if (events.length > MAX_EVENTS_PER_BATCH) {
      return err(
        domainError(
          'INVALID_EVENT',
          `A batch holds at most ${MAX_EVENTS_PER_BATCH} events; this one has ${events.length}. Split it.`,
        ),
      );
    }
    const results: EventResult[] = [];
    const byFile = new Map<number, Prepared[]>();
    for (const [index, event] of events.entries()) {
      const prepared = this.prepare(index, event);
      if (!prepared.ok) {
        results[index] = refusal(prepared.error);
        continue;
      }
      const list = byFile.get(event.fileId) ?? [];
      list.push(prepared.value);
      byFile.set(event.fileId, list);
    }
    for (const [fileId, items] of byFile) {
      const fileResults = await this.applyFile(fileId, items);
      for (const [position, item] of items.entries()) {
        const result = fileResults[position];
        if (result === undefined) throw new Error(`Event ${item.index} of file ${fileId} has no result.`);
        results[item.index] = result;
      }
    }
    return ok(results);
  }

  private prepare(index: number, event: IncomingEvent): Result<Prepared> {
    const { fileId, eventId, stepName, status, ...options } = event;
    const id = eventId == null ? ok(null) : parseEventId(eventId);
    if (!id.ok) return id;
    const change = prepareChange(fileId, stepName, status, options, this.deps.clock);
    if (!change.ok) return change;
    const fingerprint = id.value === null ? '' : eventFingerprint(stepName, status, options);
    return ok({ index, change: change.value, eventId: id.value, fingerprint });
  }

  private async applyFile(fileId: number, items: readonly Prepared[]): Promise<EventResult[]> {
    const run = () =>
      withLockedFile(this.deps.unitOfWork, fileId, async (repos, file) =>
        ok(await this.applyLocked(repos, file, items)),
      );
    let outcome: Result<EventResult[]>;
    try {
      outcome = await run();
    } catch (error) {
      // The file lock serialises writers of one file, so this takes a database that did not honour it; the
      // receipts' unique key refused the second writer, which now finds the first one's receipt.
      if (!isStoreError(error, 'unique_violation')) throw error;
      outcome = await run();
    }
    if (!outcome.ok) return items.map(() => refusal(outcome.error));
    return outcome.value;
  }

  /** Inside the file's transaction: judge each event, apply the new ones, then store their receipts. */
  private async applyLocked(
    repos: Repositories,
    file: FileRecord,
    items: readonly Prepared[],
  ): Promise<EventResult[]> {
    const ids = [...new Set(items.flatMap((item) => (item.eventId === null ? [] : [item.eventId])))];
    const stored = new Map((await repos.receipts.find(file.id, ids)).map((r) => [r.eventId, r]));
    const firstHere = new Map<string, { item: Prepared; position: number }>();
    const slots = items.map((item, position): Slot => {
      const { eventId, fingerprint } = item;
      const receipt = eventId === null ? undefined : stored.get(eventId);
      // A recorded event keeps its first answer; anything new meets the workflow's strictness first.
      const strict = receipt === undefined ? strictRefusal(file, item.change.stepName) : null;
      if (strict !== null) return { kind: 'done', result: refusal(strict) };
      if (eventId === null)
        return { kind: 'apply', item, counting: stepCounting(file, item.change.stepName) };
      const earlier = firstHere.get(eventId);
      const first =
        receipt !== undefined
          ? { ...receipt, logId: receipt.outcome.logId }
          : earlier && { fileId: file.id, eventId, fingerprint: earlier.item.fingerprint, logId: null };
      if (first === undefined) {
        firstHere.set(eventId, { item, position });
        return { kind: 'apply', item, counting: stepCounting(file, item.change.stepName) };
      }
      const conflict = conflictWithFirst(first, fingerprint);
      if (conflict !== null) return { kind: 'done', result: refusal(conflict) };
      if (receipt !== undefined)
        return { kind: 'done', result: { result: 'duplicate', event: receipt.outcome } };
      return { kind: 'repeat', of: earlier?.position ?? position };
    });
    const now = this.deps.clock.now();
    const batch = await StepBatch.load(repos, [file], now);
    const toApply = slots.flatMap((slot) => (slot.kind === 'apply' ? [slot] : []));
    const applied = await batch.applyAll(toApply.map((slot) => slot.item.change));
    await batch.flush();
    const answers = new Map<Prepared, RecordedEvent>();
    const receipts: EventReceipt[] = [];
    for (const [position, slot] of toApply.entries()) {
      const done = applied[position];
      if (done === undefined) throw new Error('An applied event has no result.');
      const event = recorded(slot.item.change.stepName, done, slot.counting);
      answers.set(slot.item, event);
      const { eventId, fingerprint } = slot.item;
      if (eventId !== null)
        receipts.push({ fileId: file.id, eventId, fingerprint, outcome: event, createdAt: now });
    }
    if (receipts.length > 0) await repos.receipts.record(receipts);
    return slots.map((slot): EventResult => {
      if (slot.kind === 'done') return slot.result;
      const item = slot.kind === 'apply' ? slot.item : items[slot.of];
      const event = item === undefined ? undefined : answers.get(item);
      if (event === undefined) throw new Error('An event has no answer.');
      return { result: slot.kind === 'apply' ? 'applied' : 'duplicate', event };
    });
  }
}

/** The answer to an applied event; its log id is final, since the batch was flushed. */
function recorded(stepName: string, applied: AppliedEvent, counting: StepCounting): RecordedEvent {
  const { status, startedAt, completedAt, errorMessage, attempts } = applied.step;
  return {
    logId: applied.log.id,
    stepName,
    step: { status, startedAt, completedAt, errorMessage, attempts },
    status: overallStatusOf(applied.rollup),
    counting,
  };
}

function refusal(error: DomainError): EventResult {
  return { result: 'refused', reason: reasonOf(error), error };
}

function reasonOf(error: DomainError): RefusalReason {
  switch (error.code) {
    case 'FILE_NOT_FOUND':
      return 'unknown_file';
    case 'EVENT_ID_CONFLICT':
      return 'conflict';
    case 'STEP_NOT_IN_WORKFLOW':
      return 'not_in_workflow';
    default:
      return error.details?.['rule'] === 'event-order' ? 'ordering' : 'validation';
  }
}
