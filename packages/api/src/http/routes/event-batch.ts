import type { EventResult, IncomingEvent } from '@steptrail/domain';
import type { z } from 'zod';
import type { ApiError } from '../errors/api-error.js';
import { fromDomainError } from '../errors/error-table.js';
import { unstorableTextProblems } from '../routing/unstorable-text.js';
import { problemsOf, validationError } from '../routing/validation.js';
import {
  batchEnvelope,
  batchEventJson,
  eventIdentity,
  type batchAnswerJson,
} from '@steptrail/api-schema/event-batch.schemas.js';
import { recordedToJson } from '../serialize.js';
import type { RouteDeps } from './route-deps.js';

type Answer = z.input<typeof batchAnswerJson>;
type ResultJson = Answer['results'][number];

/**
 * POST /api/events: validates each event on its own (a malformed one is refused alone, with its problems), hands
 * the valid ones to the domain in request order, and answers one result per event (docs/architecture.md#batched-events).
 */
export async function recordBatch({ ingestion, live }: RouteDeps, body: unknown): Promise<Answer> {
  const envelope = batchEnvelope.safeParse(body);
  if (!envelope.success) throw validationError(problemsOf('body', envelope.error));
  const results: ResultJson[] = [];
  const valid: Array<{ index: number; event: IncomingEvent }> = [];
  for (const [index, raw] of envelope.data.events.entries()) {
    const path = `body.events.${index}`;
    const parsed = batchEventJson.safeParse(raw);
    const problems = [
      ...unstorableTextProblems(path, raw),
      ...(parsed.success
        ? []
        : problemsOf('body', parsed.error).map((p) => ({ ...p, path: path + p.path.slice(4) }))),
    ];
    if (parsed.success && problems.length === 0) {
      valid.push({ index, event: parsed.data });
      continue;
    }
    const { fileId, eventId } = identityOf(raw);
    results[index] = refusedJson(index, fileId, eventId, 'validation', validationError(problems));
  }
  const recorded = await ingestion.recordMany(valid.map(({ event }) => event));
  if (!recorded.ok) throw fromDomainError(recorded.error);
  let changed = false;
  for (const [position, result] of recorded.value.entries()) {
    const item = valid[position];
    if (item === undefined) throw new Error('A result has no event.');
    results[item.index] = resultJson(item.index, item.event, result);
    if (result.result === 'applied') changed = true;
  }
  if (changed) live.changed();
  const count = (kind: ResultJson['result']) => results.filter((result) => result.result === kind).length;
  return { results, applied: count('applied'), duplicates: count('duplicate'), refused: count('refused') };
}

function resultJson(index: number, event: IncomingEvent, result: EventResult): ResultJson {
  const eventId = event.eventId ?? null;
  if (result.result === 'refused') {
    return refusedJson(index, event.fileId, eventId, result.reason, fromDomainError(result.error));
  }
  return { index, fileId: event.fileId, eventId, result: result.result, event: recordedToJson(result.event) };
}

function refusedJson(
  index: number,
  fileId: number | null,
  eventId: string | null,
  reason: Extract<ResultJson, { result: 'refused' }>['reason'],
  error: ApiError,
): ResultJson {
  return { index, fileId, eventId, result: 'refused', reason, error: error.toBody().error };
}

/** The file and event id of an event that failed validation, as far as they are readable. */
function identityOf(raw: unknown): { fileId: number | null; eventId: string | null } {
  const parsed = eventIdentity.safeParse(raw);
  return parsed.success ? parsed.data : { fileId: null, eventId: null };
}
