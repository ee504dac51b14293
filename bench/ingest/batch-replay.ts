// The raw limit of the batch endpoint (issue 16): the statements `POST /api/events` sends, replayed by the bare
// driver loop. The endpoint hands its events to `EventIngestion.recordMany`, which writes each file's events of a
// request in one transaction with multi-row statements (docs/architecture.md#batched-events); replaying the
// single-event statements sixteen to a transaction is therefore no ceiling for it. Here the benchmark runs
// recordMany in its own process on files of its own, with the same plan (writers, files, batch size, event ids) as
// the measured HTTP line, records every transaction's statements (sql-capture.ts), and replays exactly those texts,
// transaction by transaction, on fresh files, filling the parameters by column name for the events each
// transaction covers. A statement shape it does not know, or a row count that does not match, stops the benchmark.
import type { EventIngestion } from '@steptrail/domain';
import {
  columnValue,
  isControl,
  placeholderCount,
  type Fill,
  type RawDriver,
  type RawEvent,
} from './raw-loop.js';
import { captureSql, normalizeSql } from './sql-capture.js';

/** One transaction of a batch: one file's events of one request, in the request's order. */
export interface BatchGroup {
  fileId: number;
  events: RawEvent[];
}

/** The statements of every transaction the batches of one writer sent, in order. */
export type CapturedTransactions = string[][];

/** A writer's events cut into requests of `size`, each request's events grouped by file as recordMany groups them. */
export function batchGroups(events: readonly RawEvent[], size: number): BatchGroup[] {
  const groups: BatchGroup[] = [];
  for (let start = 0; start < events.length; start += size) {
    const byFile = new Map<number, RawEvent[]>();
    for (const event of events.slice(start, start + size)) {
      const list = byFile.get(event.fileId) ?? [];
      list.push(event);
      byFile.set(event.fileId, list);
    }
    for (const [fileId, list] of byFile) groups.push({ fileId, events: list });
  }
  return groups;
}

const requestEvent = ({ fileId, stepName, status, message, eventId }: RawEvent) => ({
  fileId,
  stepName,
  status,
  ...(message === undefined ? {} : { message }),
  ...(eventId === undefined ? {} : { eventId }),
});

/**
 * Runs each writer's requests through recordMany, one writer after the other (so the statements of one
 * transaction are not interleaved with another's), and returns each writer's transactions.
 */
export async function captureBatchTransactions(
  ingestion: EventIngestion,
  work: readonly (readonly RawEvent[])[],
  size: number,
): Promise<CapturedTransactions[]> {
  const captured: CapturedTransactions[] = [];
  for (const events of work) {
    const statements: string[] = [];
    for (let start = 0; start < events.length; start += size) {
      const request = events.slice(start, start + size).map(requestEvent);
      statements.push(
        ...(await captureSql(async () => {
          const answer = await ingestion.recordMany(request);
          if (!answer.ok) throw new Error(`capture batch refused: ${answer.error.message}`);
          const refused = answer.value.find((result) => result.result !== 'applied');
          if (refused !== undefined) throw new Error(`capture batch: ${JSON.stringify(refused)}`);
        })),
      );
    }
    captured.push(splitTransactions(statements));
  }
  return captured;
}

/** Cuts a statement list after each COMMIT; what opens a transaction (SET …, BEGIN) belongs to the next. */
function splitTransactions(statements: readonly string[]): CapturedTransactions {
  const transactions: CapturedTransactions = [];
  let current: string[] = [];
  for (const sql of statements) {
    current.push(sql);
    if (/^COMMIT\b/i.test(normalizeSql(sql))) {
      transactions.push(current);
      current = [];
    }
  }
  if (current.length > 0) throw new Error(`statements after the last COMMIT: ${current.join('; ')}`);
  return transactions;
}

/** What one transaction's statements need: its events, the steps new to the file, the log ids it got. */
interface GroupState {
  group: BatchGroup;
  newSteps: string[];
  logIds: number[];
  now: unknown;
  bool: (value: boolean) => unknown;
}

const distinct = <T>(values: readonly T[]) => [...new Set(values)];

/** Each step the group changes, with the last of its events there and that event's log id. */
function stepRows(state: GroupState): { event: RawEvent; logId: number | null }[] {
  const last = new Map<string, { event: RawEvent; logId: number | null }>();
  state.group.events.forEach((event, index) =>
    last.set(event.stepName, { event, logId: state.logIds[index] ?? null }),
  );
  return [...last.values()];
}

function rows(columns: string, entries: { event: RawEvent; logId: number | null }[], state: GroupState) {
  const names = columns.split(',').map((column) => column.trim());
  return entries.flatMap(({ event, logId }) => {
    const fill: Fill = { event, now: state.now, logId, bool: state.bool };
    return names.map((column) => columnValue(column, fill));
  });
}

/** The parameters of one captured batch statement for `state`'s group; throws on a shape it does not know. */
export function batchParametersFor(sql: string, state: GroupState): unknown[] {
  const text = normalizeSql(sql);
  const { fileId, events } = state.group;
  const lastEvent = events[events.length - 1];
  if (lastEvent === undefined) throw new Error('an empty group');
  let params: unknown[];
  const insert = /^INSERT INTO (\w+) \(([^)]*)\)/i.exec(text);
  const update = /^UPDATE files SET (.*) WHERE id = (\?|\$\d+)$/i.exec(text);
  // Control statements, and reads without parameters (the webhook subscriptions, reloaded now and then).
  if (isControl(text) || placeholderCount(text) === 0) params = [];
  else if (/^SELECT .* FROM files WHERE id = /i.test(text)) params = [fileId];
  else if (/^SELECT .* FROM steptrail_event_receipts WHERE file_id = .* AND event_id IN /i.test(text))
    params = [fileId, ...distinct(events.map((event) => event.eventId))];
  else if (/^SELECT .* FROM file_processing_steps WHERE file_id IN /i.test(text)) params = [fileId];
  else if (/^SELECT .* FROM processing_logs l WHERE l\.file_id IN .* AND l\.step_name IN /i.test(text))
    params = [fileId, ...state.newSteps];
  else if (insert !== null && insert[1] === 'processing_logs')
    params = rows(
      insert[2] ?? '',
      events.map((event) => ({ event, logId: null })),
      state,
    );
  else if (insert !== null && insert[1] === 'file_processing_steps')
    params = rows(insert[2] ?? '', stepRows(state), state);
  else if (insert !== null && insert[1] === 'steptrail_event_receipts')
    params = rows(
      insert[2] ?? '',
      events.map((event, index) => ({ event, logId: state.logIds[index] ?? null })),
      state,
    );
  else if (update !== null) {
    const columns = (update[1] ?? '').split(',').map((part) => part.split('=')[0]?.trim() ?? '');
    const fill: Fill = { event: lastEvent, now: state.now, logId: null, bool: state.bool };
    params = [...columns.map((column) => columnValue(column, fill)), fileId];
  } else
    throw new Error(`the raw batch replay does not know how to fill this statement steptrail sent: ${text}`);
  if (params.length !== placeholderCount(text))
    throw new Error(`${params.length} parameters for ${placeholderCount(text)} placeholders: ${text}`);
  return params;
}

/**
 * Replays one writer's captured transactions on `groups` (the same plan on other files), one pooled connection
 * per transaction as the adapter takes one.
 */
export async function replayBatches(
  driver: RawDriver,
  transactions: CapturedTransactions,
  groups: readonly BatchGroup[],
): Promise<void> {
  if (transactions.length !== groups.length)
    throw new Error(`${transactions.length} captured transactions for ${groups.length} groups of events`);
  const seen = new Map<number, Set<string>>();
  for (const [index, group] of groups.entries()) {
    const steps = seen.get(group.fileId) ?? new Set<string>();
    seen.set(group.fileId, steps);
    const state: GroupState = {
      group,
      newSteps: distinct(group.events.map((event) => event.stepName)).filter((step) => !steps.has(step)),
      logIds: [],
      now: driver.time(new Date()),
      bool: (value) => driver.bool(value),
    };
    for (const step of state.newSteps) steps.add(step);
    const connection = await driver.connect();
    try {
      for (const sql of transactions[index] ?? []) {
        const ids = await connection.query(sql, batchParametersFor(sql, state));
        if (ids.length > 0) {
          if (ids.length !== group.events.length)
            throw new Error(`${ids.length} log ids for ${group.events.length} events`);
          state.logIds = ids;
        }
      }
    } finally {
      connection.release();
    }
    // better-sqlite3 answers synchronously: let the other writers in between transactions.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
