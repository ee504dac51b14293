import { reconstruct } from '../events/reconstruct.js';
import { sameStepState } from '../events/step-state.fold.js';
import { groupBy } from '../group-by.js';
import type { StepRebuildCounts } from '../ports/legacy-migration-store.js';
import type { LogRepository } from '../ports/log-repository.js';
import type { StepRepository } from '../ports/step-repository.js';

const emptyCounts = (): StepRebuildCounts => ({
  stepsCreated: 0,
  stepsUpdated: 0,
  stepsUnchanged: 0,
  eventsIgnored: 0,
});

/**
 * The reference implementation of LegacyMigrationStore.rebuildSteps on top of the plain ports: fold each file's
 * logs and write the rows that differ. Set-based adapters must produce exactly what this produces.
 */
export async function rebuildStepsByFold(
  ports: { steps: StepRepository; logs: LogRepository },
  fileIds: readonly number[],
  dryRun: boolean,
): Promise<Map<number, StepRebuildCounts>> {
  const byFile = groupBy(await ports.logs.listForFiles(fileIds), (log) => log.fileId);
  const rows = new Map(
    (await ports.steps.listForFiles(fileIds)).map((row) => [`${row.fileId}\u0000${row.stepName}`, row]),
  );
  const result = new Map<number, StepRebuildCounts>();
  for (const fileId of fileIds) {
    const counts = emptyCounts();
    const { steps, eventsIgnored } = reconstruct(byFile.get(fileId) ?? []);
    counts.eventsIgnored = eventsIgnored;
    for (const [stepName, folded] of steps) {
      const row = rows.get(`${fileId}\u0000${stepName}`);
      if (row !== undefined && sameStepState(row, folded) && sameLast(row.lastEvent, folded.lastEvent)) {
        counts.stepsUnchanged += 1;
        continue;
      }
      if (row === undefined) counts.stepsCreated += 1;
      else counts.stepsUpdated += 1;
      if (!dryRun) await ports.steps.saveState(fileId, stepName, folded);
    }
    result.set(fileId, counts);
  }
  return result;
}

function sameLast(
  a: { occurredAt: Date; id: number } | null,
  b: { occurredAt: Date; id: number } | null,
): boolean {
  if (a === null || b === null) return a === b;
  return a.id === b.id && a.occurredAt.getTime() === b.occurredAt.getTime();
}
