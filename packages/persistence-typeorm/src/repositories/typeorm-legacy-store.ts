import {
  rebuildStepsByFold,
  type CandidateMode,
  type LegacyMigrationStore,
  type LogRepository,
  type MigrationProgress,
  type RebuiltSteps,
  type StepRepository,
} from '@steptrail/domain';
import { requireInteger } from '../mappers/column-parsers.js';
import { LIVE } from '../mappers/row-mappers.js';
import type { SqlExecutor } from '../sql-executor.js';
import { rebuildStepsSetBased } from './set-based-rebuild.js';
import { TypeormBackfillProgress } from './typeorm-backfill-progress.js';

export class TypeormLegacyStore implements LegacyMigrationStore {
  private readonly progress: TypeormBackfillProgress;

  constructor(
    private readonly sql: SqlExecutor,
    private readonly ports: { steps: StepRepository; logs: LogRepository },
    private readonly setBased: boolean,
    private readonly now: () => Date,
  ) {
    this.progress = new TypeormBackfillProgress(sql);
  }

  async candidateFileIds(mode: CandidateMode, afterId: number, limit: number): Promise<number[]> {
    // DocuElevate's candidates: files with history and no step rows. A repair (`all`) takes every file.
    // Scalar subqueries rather than [NOT] EXISTS: the planner cannot turn them into a join that scans all of
    // file_processing_steps, which it would do on the statistics of the empty table a backfill starts from.
    const filter =
      mode === 'missing'
        ? ` AND (SELECT l.id FROM processing_logs l WHERE l.file_id = f.id LIMIT 1) IS NOT NULL
            AND (SELECT s.id FROM file_processing_steps s WHERE s.file_id = f.id LIMIT 1) IS NULL`
        : '';
    const rows = await this.sql.rows(
      `SELECT f.id FROM files f WHERE f.id > :afterId AND f.${LIVE}${filter} ORDER BY f.id LIMIT :limit`,
      { afterId, limit },
    );
    return rows.map((row) => requireInteger('files.id', row.id));
  }

  prepareProgress(): Promise<void> {
    return this.progress.prepare();
  }

  saveProgress(progress: MigrationProgress): Promise<void> {
    return this.progress.save(progress);
  }

  loadProgress(mode: CandidateMode): Promise<MigrationProgress | null> {
    return this.progress.load(mode);
  }

  clearProgress(mode: CandidateMode): Promise<void> {
    return this.progress.clear(mode);
  }

  rebuildSteps(fileIds: readonly number[], dryRun: boolean): Promise<RebuiltSteps> {
    if (this.setBased) return rebuildStepsSetBased(this.sql, fileIds, dryRun, this.now());
    return rebuildStepsByFold(this.ports, fileIds, dryRun);
  }
}
