import type { FileRecord } from '../files/file-record.js';
import type { Repositories } from '../ports/unit-of-work.js';
import { applyEvent, type AppliedEvent } from './apply-event.js';

/** Puts a step back to pending with a log event, runnable at `runAfter` when the file is managed. */
export async function requeue(
  repos: Repositories,
  file: FileRecord,
  stepName: string,
  message: string,
  runAfter: Date,
  now: Date,
): Promise<AppliedEvent> {
  const applied = await applyEvent(
    repos,
    file,
    {
      fileId: file.id,
      stepName,
      status: 'pending',
      occurredAt: now,
      message,
      detail: null,
      taskId: null,
      afterLastEvent: true,
    },
    now,
  );
  if (file.managed) {
    await repos.steps.schedule(file.id, stepName, runAfter, true);
    await repos.queue.announce();
  }
  return applied;
}
