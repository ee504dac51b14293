export type CandidateMode = 'missing' | 'all';

export interface StepRebuildCounts {
  stepsCreated: number;
  stepsUpdated: number;
  stepsUnchanged: number;
  eventsIgnored: number;
}

export interface LegacyMigrationStore {
  /**
   * Ids of existing files that have logs, ascending, above `afterId`: with mode `missing` only those without any
   * step row (DocuElevate's candidates), with `all` every one.
   */
  candidateFileIds(mode: CandidateMode, afterId: number, limit: number): Promise<number[]>;
  /**
   * Rebuilds the step rows of these files from their logs with the domain fold's semantics, creating missing rows
   * and updating rows that differ; with `dryRun` it only counts. Returns counts per file id.
   */
  rebuildSteps(fileIds: readonly number[], dryRun: boolean): Promise<Map<number, StepRebuildCounts>>;
}
