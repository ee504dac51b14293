import {
  rebuildStepsByFold,
  type CandidateMode,
  type LegacyMigrationStore,
  type LogRepository,
  type StepRebuildCounts,
  type StepRepository,
} from '@steptrail/domain';
import { requireInteger } from '../mappers/column-parsers.js';
import type { SqlExecutor } from '../sql-executor.js';
import { rebuildStepsSetBased } from './set-based-rebuild.js';

export class TypeormLegacyStore implements LegacyMigrationStore {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly ports: { steps: StepRepository; logs: LogRepository },
    private readonly setBased: boolean,
    private readonly now: () => Date,
  ) {}

  async candidateFileIds(mode: CandidateMode, afterId: number, limit: number): Promise<number[]> {
    // DocuElevate's candidates: files with history and no step rows. A repair (`all`) takes every file.
    const filter =
      mode === 'missing'
        ? ` AND EXISTS (SELECT 1 FROM processing_logs l WHERE l.file_id = f.id)
            AND NOT EXISTS (SELECT 1 FROM file_processing_steps s WHERE s.file_id = f.id)`
        : '';
    const rows = await this.sql.rows(
      `SELECT f.id FROM files f WHERE f.id > :afterId${filter} ORDER BY f.id LIMIT :limit`,
      { afterId, limit },
    );
    return rows.map((row) => requireInteger('files.id', row.id));
  }

  rebuildSteps(fileIds: readonly number[], dryRun: boolean): Promise<Map<number, StepRebuildCounts>> {
    if (this.setBased) return rebuildStepsSetBased(this.sql, fileIds, dryRun, this.now());
    return rebuildStepsByFold(this.ports, fileIds, dryRun);
  }
}
