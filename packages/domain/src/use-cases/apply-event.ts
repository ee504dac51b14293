import { enqueueWebhooks } from '../webhooks/webhook-outbox.js';
import { fileStatusEvent } from '../webhooks/webhook-events.js';
import { nextRollup, type FileRecord, type FileRollup } from '../files/file-record.js';
import type { Repositories } from '../ports/unit-of-work.js';
import { StepBatch, type AppliedEvent, type StepChange } from './step-batch.js';

export type { AppliedEvent, StepChange } from './step-batch.js';

/**
 * Appends the event's log row, folds it into the step row and refreshes the file's rollup. The caller runs this
 * inside a transaction and has locked `file` (repos.files.lock), so all three writes land together or not at all.
 */
export async function applyEvent(
  repos: Repositories,
  file: FileRecord,
  change: StepChange,
  now: Date,
): Promise<AppliedEvent> {
  const batch = await StepBatch.load(repos, [file], now);
  const applied = await batch.apply(change);
  await batch.flush();
  return applied;
}

/** Recomputes the file's rollup from its step rows and stores it. */
export async function refreshRollup(
  repos: Repositories,
  file: FileRecord,
  lastStep: string | null,
  now: Date,
): Promise<FileRollup> {
  const rollup = nextRollup(file, await repos.steps.listForFile(file.id), lastStep, now);
  await repos.files.saveRollup(file.id, rollup);
  // A duplicate mark is a status change too: its webhook is written here, in the same transaction (#webhooks).
  const emitted = fileStatusEvent(file.id, file.rollup.status, rollup.status, now);
  if (emitted !== null) await enqueueWebhooks(repos, [emitted], now);
  file.rollup = rollup;
  return rollup;
}
