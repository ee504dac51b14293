import type { EventPosition } from '../events/step-event.js';
import type { StepSnapshot } from '../status/overall-status.js';
import type { MigrationTotals } from '../migration/migration-totals.js';

export type CandidateMode = 'missing' | 'all';

export interface StepRebuildCounts {
  stepsCreated: number;
  stepsUpdated: number;
  stepsUnchanged: number;
  eventsIgnored: number;
}

/** A step row as the rollup of its file needs it. */
export interface RebuiltStep extends StepSnapshot {
  fileId: number;
  /** The stored row's schedule, which a rebuild keeps (null for a row it creates). */
  runAfter: Date | null;
  lastEvent: EventPosition | null;
}

export interface RebuiltSteps {
  /** Counts per file id, one entry for every file asked for. */
  counts: Map<number, StepRebuildCounts>;
  /** Every step row of these files after the rebuild (in a dry run: as the rebuild would leave them). */
  steps: RebuiltStep[];
}

/** How far a backfill run got: every candidate up to `lastFileId` is done, and its batch committed. */
export interface MigrationProgress {
  mode: CandidateMode;
  lastFileId: number;
  /** Totals of the run so far, across its interruptions. */
  totals: MigrationTotals;
  startedAt: Date;
  updatedAt: Date;
}

export interface LegacyMigrationStore {
  /**
   * Ids of existing files, ascending, above `afterId`: with mode `missing` those with logs and without any step
   * row (DocuElevate's candidates); with `all` every file, so a repair also refreshes rollups of files without logs.
   */
  candidateFileIds(mode: CandidateMode, afterId: number, limit: number): Promise<number[]>;
  /**
   * Rebuilds the step rows of these files from their logs with the domain fold's semantics, creating missing rows
   * and updating rows that differ; with `dryRun` it only counts. Returns counts per file id and the files' steps.
   */
  rebuildSteps(fileIds: readonly number[], dryRun: boolean): Promise<RebuiltSteps>;
  /** Makes sure saveProgress can run inside a transaction (creates its table where needed); call outside one. */
  prepareProgress(): Promise<void>;
  /** Replaces the progress saved for its mode; inside a transaction it commits (or not) with that transaction. */
  saveProgress(progress: MigrationProgress): Promise<void>;
  /** The progress saved for this mode, or null. */
  loadProgress(mode: CandidateMode): Promise<MigrationProgress | null>;
  /** Forgets the progress saved for this mode. */
  clearProgress(mode: CandidateMode): Promise<void>;
}
