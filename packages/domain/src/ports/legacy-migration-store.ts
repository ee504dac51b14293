export type CandidateMode = 'missing' | 'all';

export interface StepRebuildCounts {
  stepsCreated: number;
  stepsUpdated: number;
  stepsUnchanged: number;
  eventsIgnored: number;
}

export interface LegacyMigrationStore {
  /**
   * Ids of existing files, ascending, above `afterId`: with mode `missing` those with logs and without any step
   * row (DocuElevate's candidates); with `all` every file, so a repair also refreshes rollups of files without logs.
   */
  candidateFileIds(mode: CandidateMode, afterId: number, limit: number): Promise<number[]>;
  /**
   * Rebuilds the step rows of these files from their logs with the domain fold's semantics, creating missing rows
   * and updating rows that differ; with `dryRun` it only counts. Returns counts per file id.
   */
  rebuildSteps(fileIds: readonly number[], dryRun: boolean): Promise<Map<number, StepRebuildCounts>>;
}
