import { BACKFILL_PROGRESS_TABLE } from '@steptrail/runtime';
import type { SqlRunner } from './sql-runner.js';

/** Where a logs-to-steps run records its progress (through the store, in each batch's transaction). */
export const CHECKPOINT_TABLE = BACKFILL_PROGRESS_TABLE;

/**
 * The migrator's one bookkeeping table, created by the first real backfill that needs it (never by a dry run)
 * and dropped here when the schema is reverted completely.
 */
export class CheckpointTable {
  constructor(private readonly sql: SqlRunner) {}

  async exists(): Promise<boolean> {
    return this.sql.tableExists(CHECKPOINT_TABLE);
  }

  /** Removes the table (schema down to nothing). */
  async drop(): Promise<boolean> {
    if (!(await this.exists())) return false;
    await this.sql.write(`DROP TABLE ${CHECKPOINT_TABLE}`);
    return true;
  }
}
