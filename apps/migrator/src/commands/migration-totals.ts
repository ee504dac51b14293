import type { MigrationTotals, Store } from '@steptrail/domain';
import { formatCount } from '../output/format.js';
import type { SummaryRow } from '../output/summary-table.js';

/** a + b, for totals carried over from an interrupted run. */
export function addTotals(a: MigrationTotals, b: MigrationTotals): MigrationTotals {
  return {
    totalFiles: a.totalFiles + b.totalFiles,
    filesMigrated: a.filesMigrated + b.filesMigrated,
    filesFailed: a.filesFailed + b.filesFailed,
    totalStepsCreated: a.totalStepsCreated + b.totalStepsCreated,
    totalStepsUpdated: a.totalStepsUpdated + b.totalStepsUpdated,
    totalStepsSkipped: a.totalStepsSkipped + b.totalStepsSkipped,
    eventsIgnored: a.eventsIgnored + b.eventsIgnored,
    errors: [...a.errors, ...b.errors],
  };
}

/** The counts without the error list (for progress lines and the per-run part of a resumed run). */
export function countsOf({ errors: _errors, ...counts }: MigrationTotals): Omit<MigrationTotals, 'errors'> {
  return counts;
}

export function totalsRows(totals: MigrationTotals): SummaryRow[] {
  return [
    ['files looked at', formatCount(totals.totalFiles)],
    ['files migrated', formatCount(totals.filesMigrated)],
    ['files failed', formatCount(totals.filesFailed)],
    ['steps created', formatCount(totals.totalStepsCreated)],
    ['steps updated', formatCount(totals.totalStepsUpdated)],
    ['steps already right (skipped)', formatCount(totals.totalStepsSkipped)],
    ['log rows ignored (null or unknown status)', formatCount(totals.eventsIgnored)],
  ];
}

/** The highest file id, so progress can be shown as the share of the id range walked. */
export async function highestFileId(store: Store): Promise<number> {
  const page = await store.reads.files.list({ limit: 1 });
  return page.items[0]?.id ?? 0;
}
