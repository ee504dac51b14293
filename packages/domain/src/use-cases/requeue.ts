import type { ChangeCause } from '../ports/step-observer.js';
import type { StepRef } from '../ports/work-queue.js';
import type { AppliedEvent, StepBatch } from './step-batch.js';

/** Puts a step back to pending with a log event, runnable at `runAfter` when the file is managed. */
export async function requeue(
  batch: StepBatch,
  ref: StepRef,
  message: string,
  runAfter: Date,
  cause?: ChangeCause,
): Promise<AppliedEvent> {
  const applied = await batch.apply({
    fileId: ref.fileId,
    stepName: ref.stepName,
    status: 'pending',
    occurredAt: batch.now,
    message,
    detail: null,
    taskId: null,
    afterLastEvent: true,
    ...(cause === undefined ? {} : { cause }),
  });
  const file = batch.file(ref.fileId);
  if (file.managed) batch.schedule(ref, runAfter, true);
  // The schedule may move the rollup on (docs/architecture.md#overall-status): answer with the one stored.
  return { ...applied, rollup: file.rollup };
}
