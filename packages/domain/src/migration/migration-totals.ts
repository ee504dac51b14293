/**
 * What a backfill run did so far. Both the LegacyMigrationStore port (which saves progress) and the LegacyMigration
 * use-case (which adds batches up) speak of it, so it lives beside them rather than in either.
 */
export interface MigrationTotals {
  totalFiles: number;
  filesMigrated: number;
  filesFailed: number;
  totalStepsCreated: number;
  totalStepsUpdated: number;
  totalStepsSkipped: number;
  eventsIgnored: number;
  errors: Array<{ fileId: number; message: string }>;
}

export const emptyTotals = (): MigrationTotals => ({
  totalFiles: 0,
  filesMigrated: 0,
  filesFailed: 0,
  totalStepsCreated: 0,
  totalStepsUpdated: 0,
  totalStepsSkipped: 0,
  eventsIgnored: 0,
  errors: [],
});
