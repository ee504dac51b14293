import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appliesInOrder,
  evolve,
  foldStep,
  initialState,
  reconstruct,
  reconstructStep,
  sortEvents,
  toStepEvent,
  type FoldedStep,
  type LogEntry,
  type StepEvent,
} from '../src/index.js';
import { applyEvent } from '../src/use-cases/apply-event.js';
import { instantArb, liveEventArb, logStatusArb, textArb } from './support/arbitraries.js';
import { newFile, setup, unwrap } from './support/fixtures.js';

/** Log rows of one step, ids increasing in append order, timestamps random with many collisions. */
const stepLogsArb = fc
  .array(fc.record({ status: logStatusArb, occurredAt: instantArb, message: textArb, detail: textArb }), {
    maxLength: 25,
  })
  .map((rows) =>
    rows.map((row, index): LogEntry => ({
      ...row,
      id: index + 1,
      fileId: 1,
      taskId: null,
      stepName: 'extract_text',
    })),
  );

/** The folded fields of a step, from a fold result or a stored row. */
const stateOf = ({
  status,
  startedAt,
  completedAt,
  errorMessage,
  attempts,
  lastEvent,
}: Omit<FoldedStep, 'status'> & { status: string }) => ({
  status,
  startedAt,
  completedAt,
  errorMessage,
  attempts,
  lastEvent,
});

describe('fold properties', () => {
  it('applying events as they arrive (in order: evolve, late: re-fold) equals the fold of the (occurredAt, id)-sorted log', () => {
    fc.assert(
      fc.property(stepLogsArb, (logs) => {
        let state = initialState();
        const seen: LogEntry[] = [];
        for (const log of logs) {
          seen.push(log);
          const event = toStepEvent(log);
          if (event === null) continue;
          state = appliesInOrder(state, event) ? evolve(state, event) : reconstructStep(sortEvents(seen));
        }
        const sorted = sortEvents(logs);
        const valid = sorted.map(toStepEvent).filter((event): event is StepEvent => event !== null);
        expect(state).toEqual(foldStep(valid));
        expect(reconstructStep(sorted)).toEqual(foldStep(valid));
        const rebuilt = reconstruct(sorted);
        expect(rebuilt.eventsIgnored).toBe(logs.length - valid.length);
        expect(rebuilt.steps.get('extract_text') ?? initialState()).toEqual(foldStep(valid));
      }),
      { numRuns: 500 },
    );
  });

  it('attempts count the in_progress events and startedAt is the earliest start or finish', () => {
    fc.assert(
      fc.property(stepLogsArb, (logs) => {
        const events = sortEvents(logs)
          .map(toStepEvent)
          .filter((event): event is StepEvent => event !== null);
        const folded = foldStep(events);
        expect(folded.attempts).toBe(events.filter((event) => event.status === 'in_progress').length);
        const firstStart = events.find((event) =>
          ['in_progress', 'success', 'failure'].includes(event.status),
        );
        expect(folded.startedAt).toEqual(firstStart?.occurredAt ?? null);
      }),
      { numRuns: 300 },
    );
  });

  it('a live step row always equals the fold of its events sorted by (occurredAt, id), whatever order they arrive in', async () => {
    const deliveryArb = fc.array(
      fc.oneof(
        { weight: 6, arbitrary: liveEventArb.map((event) => ({ kind: 'tracker' as const, ...event })) },
        { weight: 3, arbitrary: liveEventArb.map((event) => ({ kind: 'applyEvent' as const, ...event })) },
        {
          weight: 1,
          arbitrary: fc.record({
            kind: fc.constant('unknown' as const),
            status: fc.constantFrom('done', 'SUCCESS', 'queued'),
          }),
        },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('note' as const), occurredAt: instantArb }) },
      ),
      { maxLength: 20 },
    );
    await fc.assert(
      fc.asyncProperty(deliveryArb, fc.boolean(), async (deliveries, managed) => {
        const { tracker, store } = setup();
        const file = await tracker.registerFile(newFile({ managed }));
        const accepted: StepEvent[] = [];
        for (const delivery of deliveries) {
          if (delivery.kind === 'unknown') {
            const rejected = await tracker.updateStepStatus(file.id, 'extract_text', delivery.status);
            expect(rejected).toMatchObject({ ok: false, error: { code: 'UNKNOWN_STATUS' } });
            continue;
          }
          if (delivery.kind === 'note') {
            unwrap(
              await tracker.logEvent(file.id, {
                stepName: 'extract_text',
                message: 'note',
                occurredAt: delivery.occurredAt,
              }),
            );
            continue;
          }
          const { kind, ...event } = delivery;
          const log =
            kind === 'tracker'
              ? unwrap(await tracker.updateStepStatus(file.id, 'extract_text', event.status, event)).log
              : await store.unitOfWork.transaction(async (repos) => {
                  const locked = await repos.files.lock(file.id);
                  if (locked === null) throw new Error('file vanished');
                  const change = { ...event, fileId: file.id, stepName: 'extract_text', taskId: null };
                  return (await applyEvent(repos, locked, change, event.occurredAt)).log;
                });
          accepted.push({ ...event, id: log.id });
        }
        const expected = foldStep(sortEvents(accepted));
        const row = await store.reads.steps.get(file.id, 'extract_text');
        expect(row && stateOf(row)).toEqual(stateOf(expected));
        expect(reconstructStep(await store.reads.logs.listForStep(file.id, 'extract_text'))).toEqual(
          expected,
        );
      }),
      { numRuns: 200 },
    );
  });
});
