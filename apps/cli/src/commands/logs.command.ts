import type { LogEntry, SteptrailClient } from '@steptrail/client';
import { cell, table, time } from '../format.js';
import type { Io } from '../io.js';

const MAX_ROWS = 10_000;

/**
 * `steptrail logs <id> [--follow]`: a file's history, oldest first. With --follow, one line per row, then the rows
 * that follow from the live stream (resumed after the last row shown, so none is missed) until Ctrl-C.
 */
export async function logsCommand(
  client: SteptrailClient,
  fileId: number,
  options: { follow: boolean; json: boolean },
  io: Io,
): Promise<void> {
  const rows = await history(client, fileId);
  const print = options.json
    ? (row: LogEntry) => io.out(`${JSON.stringify(row)}\n`)
    : (row: LogEntry) => io.out(`${line(row)}\n`);
  if (!options.follow) {
    if (options.json) io.out(`${JSON.stringify(rows, null, 2)}\n`);
    else if (rows.length === 0) io.out('No history yet.\n');
    else
      io.out(
        table(
          ['ID', 'Time (UTC)', 'Step', 'Status', 'Message'],
          rows.map((row) => [
            String(row.id),
            time(row.occurredAt),
            row.stepName ?? '',
            row.status ?? '',
            cell(row.message, 70),
          ]),
          io.isTerminal,
        ),
      );
    return;
  }
  rows.forEach(print);
  const last = rows.at(-1)?.id ?? 0;
  const stopped: { error: Error | null } = { error: null };
  const subscription = client.subscribe(
    (event) => {
      if (
        (event.event === 'step' || event.event === 'note') &&
        event.data.fileId === fileId &&
        event.id > last
      ) {
        print(event.data);
      }
    },
    {
      lastEventId: last,
      onError: (error) => (stopped.error = error instanceof Error ? error : new Error(String(error))),
    },
  );
  await Promise.race([io.interrupted, subscription.done]);
  await subscription.close();
  if (stopped.error !== null) throw stopped.error;
}

async function history(client: SteptrailClient, fileId: number): Promise<LogEntry[]> {
  const rows: LogEntry[] = [];
  let cursor: string | null | undefined;
  do {
    const page = await client.getLogs(fileId, { limit: '500', ...(cursor ? { cursor } : {}) });
    rows.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && rows.length < MAX_ROWS);
  return rows;
}

export const line = (row: LogEntry): string =>
  [
    time(row.occurredAt),
    row.fileId === null ? '' : `file ${row.fileId}`,
    row.stepName ?? '-',
    row.status ?? '-',
    cell(row.message, 100),
  ]
    .filter((part) => part !== '')
    .join('  ');
