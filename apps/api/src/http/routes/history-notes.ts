import type { StepTracker } from '@steptrail/domain';
import type { Response } from 'express';

/**
 * Changes that are not step events (registration, new step rows, duplicate marks, deletion) are written to the
 * history as notes: rows without step and status, which never touch a step. So the history says what happened and
 * who asked, and the live feed of every process hears of the change through the log table.
 */
export async function writeNote(
  tracker: StepTracker,
  res: Response,
  fileId: number,
  message: string,
): Promise<void> {
  const token = res.locals.principal?.name;
  const actor = token === undefined ? 'an unauthenticated loopback client' : `token "${token}"`;
  const result = await tracker.logEvent(fileId, {
    message,
    detail: `Requested through the API by ${actor} (request ${res.locals.requestId}).`,
  });
  if (!result.ok) res.locals.log.warn({ fileId, code: result.error.code }, 'could not write a history note');
}
