import { domainError, err, ok, type DomainError, type Result } from '../result.js';
import type { StepUpdateOptions } from '../use-cases/step-update-options.js';

/** The longest event id; 1 to 128 visible ASCII characters fit every database's unique key and an HTTP header. */
export const MAX_EVENT_ID_LENGTH = 128;
const EVENT_ID = new RegExp(`^[\\x21-\\x7e]{1,${MAX_EVENT_ID_LENGTH}}$`);

/** A client-chosen event id: 1 to 128 visible ASCII characters (a UUID, `task-17:extract_text:start`, …). */
export function parseEventId(value: unknown): Result<string, DomainError> {
  if (typeof value === 'string' && EVENT_ID.test(value)) return ok(value);
  return err(
    domainError(
      'INVALID_EVENT',
      `An event id is 1 to ${MAX_EVENT_ID_LENGTH} visible ASCII characters (no spaces), e.g. a UUID.`,
    ),
  );
}

/**
 * What makes two events with one id the same event: every field the caller sent, times as instants (so
 * `...Z` and `...+00:00` agree), an absent field equal to null. The server's own choices (the time of an event sent
 * without one) are not part of it, so a retry of such an event is a duplicate, not a conflict.
 */
export function eventFingerprint(stepName: string, status: string, options: StepUpdateOptions): string {
  const time = (date: Date | null | undefined) => (date == null ? null : date.toISOString());
  const canonical = JSON.stringify([
    stepName,
    status,
    options.message ?? null,
    options.detail ?? null,
    options.errorMessage ?? null,
    time(options.occurredAt),
    time(options.startedAt),
    time(options.completedAt),
    options.taskId ?? null,
  ]);
  return fnv1a128(canonical);
}

/**
 * The rule for an event id seen before: the same event again is a duplicate (null: answer as the first time); a
 * different event under that id is EVENT_ID_CONFLICT. `logId` is the first one's history row, when it has one yet.
 */
export function conflictWithFirst(
  first: { fileId: number; eventId: string; fingerprint: string; logId: number | null },
  fingerprint: string,
): DomainError | null {
  if (first.fingerprint === fingerprint) return null;
  const where = first.logId === null ? 'earlier in this batch' : `as history row ${first.logId}`;
  return domainError(
    'EVENT_ID_CONFLICT',
    `Event id "${first.eventId}" of file ${first.fileId} was already used for a different event (recorded ` +
      `${where}); nothing was written. Send exactly the same event to repeat it, or give this one a new id.`,
    { fileId: first.fileId, eventId: first.eventId },
  );
}

const FNV_OFFSET = 0x6c62272e07bb014262b821756295c58dn;
const FNV_PRIME = 0x0000000001000000000000000000013bn;
const MASK_128 = (1n << 128n) - 1n;

/**
 * FNV-1a with 128 bits over UTF-16 code units: no Node module is needed, and two different events under one id
 * collide with a probability far below any other failure. It detects accidents, not attacks: the id is the
 * caller's own.
 */
function fnv1a128(text: string): string {
  let hash = FNV_OFFSET;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= BigInt(text.charCodeAt(index));
    hash = (hash * FNV_PRIME) & MASK_128;
  }
  return hash.toString(16).padStart(32, '0');
}
