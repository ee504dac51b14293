import { reconstruct } from '../events/reconstruct.js';
import { sameFoldedStep, type FoldedStep } from '../events/step-state.fold.js';
import { stepKey } from '../files/step-key.js';
import { groupBy } from '../group-by.js';
import type { RebuiltStep, RebuiltSteps, StepRebuildCounts } from '../ports/legacy-migration-store.js';
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
): Promise<RebuiltSteps> {
  const byFile = groupBy(await ports.logs.listForFiles(fileIds), (log) => log.fileId);
  const rows = new Map<string, RebuiltStep & Omit<FoldedStep, 'status'>>(
    (await ports.steps.listForFiles(fileIds)).map((row) => [stepKey(row), row]),
  );
  const counts = new Map<number, StepRebuildCounts>();
  for (const fileId of fileIds) {
    const fileCounts = emptyCounts();
    const { steps, eventsIgnored } = reconstruct(byFile.get(fileId) ?? []);
    fileCounts.eventsIgnored = eventsIgnored;
    for (const [stepName, folded] of steps) {
      const key = stepKey({ fileId, stepName });
      const row = rows.get(key);
      if (row !== undefined && sameFoldedStep(row, folded)) {
        fileCounts.stepsUnchanged += 1;
        continue;
      }
      if (row === undefined) fileCounts.stepsCreated += 1;
      else fileCounts.stepsUpdated += 1;
      rows.set(key, { ...folded, fileId, stepName, runAfter: row?.runAfter ?? null });
      if (!dryRun) await ports.steps.saveState(fileId, stepName, folded);
    }
    counts.set(fileId, fileCounts);
  }
  return { counts, steps: [...rows.values()] };
}
