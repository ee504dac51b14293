import type { LiveEvent, SteptrailClient } from '@steptrail/client';
import { time } from '../format.js';
import type { Io } from '../io.js';
import { line } from './logs.command.js';

/** `steptrail watch`: every change as it happens, one line each (JSON lines with --json), until Ctrl-C. */
export async function watchCommand(client: SteptrailClient, json: boolean, io: Io): Promise<void> {
  // Fails fast (exit 1 or 2) when the API is unreachable or refuses the token, instead of retrying forever.
  await client.listFiles({ limit: '1' });
  const stopped: { error: Error | null } = { error: null };
  const subscription = client.subscribe(
    (event) => io.out(`${json ? JSON.stringify(event) : describe(event, io)}\n`),
    {
      onDisconnect: (_error, delayMs) =>
        json ? undefined : io.err(`steptrail: the stream was interrupted; reconnecting in ${delayMs} ms\n`),
      onError: (error) => (stopped.error = error instanceof Error ? error : new Error(String(error))),
    },
  );
  await Promise.race([io.interrupted, subscription.done]);
  await subscription.close();
  if (stopped.error !== null) throw stopped.error;
}

function describe(event: LiveEvent, io: Io): string {
  switch (event.event) {
    case 'ready':
      return `${time(io.now().toISOString())}  watching (Ctrl-C to stop)`;
    case 'step':
    case 'note':
      return line(event.data);
    case 'file':
      return event.data.deleted
        ? `${time(io.now().toISOString())}  file ${event.data.fileId}  deleted`
        : `${time(event.data.updatedAt)}  file ${event.data.fileId}  is ${event.data.status}${event.data.hasErrors ? ' (has errors)' : ''}`;
  }
}
