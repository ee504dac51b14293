import type { Clock } from '../ports/clock.js';
import { domainError, err, ok, type DomainError, type Result } from '../result.js';
import { EVENT_TIME_RANGE_TEXT, withinEventTimes } from '../events/storable-range.js';
import { parseStepStatus, type StepStatus } from '../status/step-status.js';
import { parseStepName } from '../workflow/step-names.js';
import type { StepChange } from './step-batch.js';

/** How far ahead of this server's clock an event time may lie. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * DocuElevate's `update_step_status` keyword arguments, in camelCase; its times are taken as event times
 * (docs/architecture.md#event-order).
 */
export interface StepUpdateOptions {
  /** A failure's error text; stored as the log's message when `message` is absent. */
  errorMessage?: string | null | undefined;
  /** Accepted with in_progress only, as the event time. */
  startedAt?: Date | null | undefined;
  /** Accepted with success, failure or skipped only, as the event time. */
  completedAt?: Date | null | undefined;
  message?: string | null | undefined;
  detail?: string | null | undefined;
  occurredAt?: Date | null | undefined;
  taskId?: string | null | undefined;
}

/**
 * The event time. `startedAt`/`completedAt` are accepted as the event time of the matching status, so that the
 * stored row always equals the fold of the logs; a value that could not be replayed from the log is refused.
 */
export function resolveOccurredAt(
  status: StepStatus,
  options: StepUpdateOptions,
  clock: Clock,
): Result<Date, DomainError> {
  const candidates: Date[] = [];
  if (options.occurredAt != null) candidates.push(options.occurredAt);
  if (options.startedAt != null) {
    if (status !== 'in_progress') {
      return err(
        domainError(
          'INVALID_EVENT',
          `startedAt is accepted with status in_progress only, not ${status}; pass occurredAt.`,
        ),
      );
    }
    candidates.push(options.startedAt);
  }
  if (options.completedAt != null) {
    if (status === 'in_progress' || status === 'pending') {
      return err(
        domainError(
          'INVALID_EVENT',
          `completedAt is accepted with success, failure or skipped only, not ${status}.`,
        ),
      );
    }
    candidates.push(options.completedAt);
  }
  for (const candidate of candidates) {
    if (Number.isNaN(candidate.getTime()))
      return err(domainError('INVALID_EVENT', 'The event time is not a valid date.'));
    // Every database must give the time back unchanged (docs/architecture.md#storable-values).
    if (!withinEventTimes(candidate))
      return err(
        domainError(
          'INVALID_EVENT',
          `The event time ${candidate.toISOString()} is outside the times steptrail stores: ${EVENT_TIME_RANGE_TEXT}.`,
          { rule: 'event-time-range' },
        ),
      );
  }
  const [first, ...others] = candidates;
  const now = clock.now();
  if (first === undefined) return ok(now);
  if (first.getTime() - now.getTime() > MAX_CLOCK_SKEW_MS) {
    // A time far ahead would sort after every later event and freeze the step; only clock skew is tolerated.
    return err(
      domainError(
        'INVALID_EVENT',
        `The event time ${first.toISOString()} lies more than ${MAX_CLOCK_SKEW_MS / 60_000} minutes in the future.`,
        { rule: 'event-order' },
      ),
    );
  }
  if (others.some((other) => other.getTime() !== first.getTime())) {
    return err(
      domainError(
        'INVALID_EVENT',
        'occurredAt, startedAt and completedAt name different instants; give one.',
      ),
    );
  }
  return ok(first);
}

/** An event as the caller gave it, checked and resolved into the change a step batch applies. */
export function prepareChange(
  fileId: number,
  stepName: string,
  status: string,
  options: StepUpdateOptions,
  clock: Clock,
): Result<StepChange, DomainError> {
  const name = parseStepName(stepName);
  if (!name.ok) return name;
  const parsedStatus = parseStepStatus(status);
  if (!parsedStatus.ok) return parsedStatus;
  const occurredAt = resolveOccurredAt(parsedStatus.value, options, clock);
  if (!occurredAt.ok) return occurredAt;
  const message = eventMessage(parsedStatus.value, options);
  if (!message.ok) return message;
  return ok({
    fileId,
    stepName: name.value,
    status: parsedStatus.value,
    occurredAt: occurredAt.value,
    message: message.value,
    detail: options.detail ?? null,
    taskId: options.taskId ?? null,
  });
}

/** The log message: a failure's errorMessage is its message, so the fold gives back the same error. */
function eventMessage(status: StepStatus, options: StepUpdateOptions): Result<string | null> {
  const { message, errorMessage } = options;
  if (errorMessage == null) return ok(message ?? null);
  if (status !== 'failure') {
    return err(
      domainError('INVALID_EVENT', `errorMessage is accepted with status failure only, not ${status}.`),
    );
  }
  if (message != null && message !== errorMessage) {
    return err(
      domainError('INVALID_EVENT', 'A failure takes errorMessage or message, not two different texts.'),
    );
  }
  return ok(errorMessage);
}
