import { emptyTotals, type MigrationTotals, type NewLogEntry } from '../../src/index.js';
import { at, newFile, type setup } from './fixtures.js';

export type Context = ReturnType<typeof setup>;
export type LegacyLog = [stepName: string | null, status: string | null, seconds: number, message?: string];

/** A DocuElevate file: a file row and its logs, no step rows. */
export async function legacyFile(context: Context, logs: LegacyLog[]): Promise<number> {
  return context.store.unitOfWork.transaction(async (repos) => {
    const file = await repos.files.create(newFile({ filehash: `legacy-${logs.length}` }));
    for (const [stepName, status, seconds, message] of logs) {
      const entry: NewLogEntry = {
        fileId: file.id,
        taskId: null,
        stepName,
        status,
        message: message ?? null,
        detail: null,
        occurredAt: at(seconds),
      };
      await repos.logs.append(entry);
    }
    return file.id;
  });
}

export const ranTwice: LegacyLog[] = [
  ['hash_file', 'in_progress', 1],
  ['hash_file', 'FAILURE', 2, 'io error'],
  ['hash_file', 'queued', 3],
  ['hash_file', 'in_progress', 4],
  ['hash_file', 'SUCCESS', 5],
  ['check_text', 'skipped', 6],
  ['send_to_user_destinations', 'success', 7],
  [null, 'success', 8, 'task done'],
  ['poll_task', 'waiting', 9],
];

export const totals = (fields: Partial<MigrationTotals>): MigrationTotals => ({
  ...emptyTotals(),
  ...fields,
});
