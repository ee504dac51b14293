import type { SteptrailClient } from '@steptrail/client';
import type { Io } from '../io.js';

/** `steptrail retry <id> [--step name…]`: re-queues the file's failed steps (or the named ones). */
export async function retryCommand(
  client: SteptrailClient,
  fileId: number,
  options: { step?: string[]; json: boolean },
  io: Io,
): Promise<void> {
  const answer = await client.retryFile(fileId, options.step === undefined ? {} : { steps: options.step });
  if (options.json) io.out(`${JSON.stringify(answer)}\n`);
  else if (answer.retried.length === 0) io.out(`File ${fileId}: no failed step to retry.\n`);
  else io.out(`File ${fileId}: re-queued ${answer.retried.join(', ')}.\n`);
}
