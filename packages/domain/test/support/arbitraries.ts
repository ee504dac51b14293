import fc from 'fast-check';
import { STEP_STATUSES, type StepStatus } from '../../src/index.js';
import { at } from './fixtures.js';

/** Few distinct instants, so that many events share a timestamp and only the id orders them. */
export const instantArb: fc.Arbitrary<Date> = fc
  .tuple(fc.integer({ min: 0, max: 4 }), fc.constantFrom(0, 0, 0, 1, 999))
  .map(([seconds, ms]) => new Date(at(seconds).getTime() + ms));

export const textArb: fc.Arbitrary<string | null> = fc.option(fc.constantFrom('timeout', 'disk full', 'ok'), {
  nil: null,
});

export const validStatusArb: fc.Arbitrary<StepStatus> = fc.constantFrom(...STEP_STATUSES);

/** What a legacy log row may hold: valid statuses in any case, `queued`, unknown words and null. */
export const logStatusArb: fc.Arbitrary<string | null> = fc.oneof(
  fc
    .tuple(fc.constantFrom<string>(...STEP_STATUSES, 'queued'), fc.boolean())
    .map(([status, upper]) => (upper ? status.toUpperCase() : status)),
  fc.constantFrom('completed', 'started', 'waiting', ''),
  fc.constant(null),
);

export interface LiveEvent {
  status: StepStatus;
  occurredAt: Date;
  message: string | null;
  detail: string | null;
}

export const liveEventArb: fc.Arbitrary<LiveEvent> = fc.record({
  status: validStatusArb,
  occurredAt: instantArb,
  message: textArb,
  detail: textArb,
});
