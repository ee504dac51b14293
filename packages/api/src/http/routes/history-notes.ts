import type { ChangeNote, StepTracker } from '@steptrail/domain';
import type { Response } from 'express';

/**
 * Changes that are not step events (registration, new step rows, duplicate marks, deletion) are written to the
 * history as notes, in the same transaction as the change: rows without step and status, which never touch a step.
 * So the history says what happened and who asked, and every process's live feed hears of it through the log table.
 */
export function changeNote(res: Response, message: string): ChangeNote {
  const token = res.locals.principal?.name;
  const actor = token === undefined ? 'an unauthenticated loopback client' : `token "${token}"`;
  return { message, detail: `Requested through the API by ${actor} (request ${res.locals.requestId}).` };
}

/** A note on its own, for facts that come with no change (a refused request). */
export async function writeNote(
  tracker: StepTracker,
  res: Response,
  fileId: number,
  message: string,
): Promise<void> {
  const result = await tracker.logEvent(fileId, changeNote(res, message));
  if (!result.ok) res.locals.log.warn({ fileId, code: result.error.code }, 'could not write a history note');
}
