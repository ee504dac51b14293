import type { CandidateMode, MigrationTotals } from '@steptrail/domain';
import { z } from 'zod';
import { integerOf, utcText, type SqlRunner } from './sql-runner.js';

export const CHECKPOINT_TABLE = 'steptrail_backfill_checkpoint';

/** How far an unfinished logs-to-steps run got, so the next run continues after it. */
export interface BackfillCheckpoint {
  mode: CandidateMode;
  /** Every candidate up to this file id was handled and committed. */
  lastFileId: number;
  /** Totals of the run so far, across its interruptions. */
  totals: MigrationTotals;
  startedAt: Date;
  updatedAt: Date;
}

/** Errors kept in a checkpoint; the count of failed files stays exact in filesFailed. */
const STORED_ERRORS = 100;

const totalsSchema = z.object({
  totalFiles: z.number().int().nonnegative(),
  filesMigrated: z.number().int().nonnegative(),
  filesFailed: z.number().int().nonnegative(),
  totalStepsCreated: z.number().int().nonnegative(),
  totalStepsUpdated: z.number().int().nonnegative(),
  totalStepsSkipped: z.number().int().nonnegative(),
  eventsIgnored: z.number().int().nonnegative(),
  errors: z.array(z.object({ fileId: z.number().int(), message: z.string() })),
});

/**
 * The migrator's one bookkeeping table, created by the first real backfill that needs it (never by a dry run)
 * and dropped when the schema is reverted completely. One row per candidate mode.
 */
export class CheckpointTable {
  private created = false;

  constructor(private readonly sql: SqlRunner) {}

  async load(mode: CandidateMode): Promise<BackfillCheckpoint | null> {
    if (!(await this.sql.tableExists(CHECKPOINT_TABLE))) return null;
    const [row] = await this.sql.rows(
      `SELECT last_file_id, totals, started_at, updated_at FROM ${CHECKPOINT_TABLE} WHERE run_mode = :mode`,
      { mode },
    );
    if (row === undefined) return null;
    const totals = totalsSchema.safeParse(JSON.parse(String(row.totals)));
    if (!totals.success)
      throw new Error(
        `${CHECKPOINT_TABLE} holds unreadable totals for mode ${mode}; delete that row to start over.`,
      );
    return {
      mode,
      lastFileId: integerOf('last_file_id', row.last_file_id),
      totals: totals.data,
      startedAt: parseUtcText(row.started_at),
      updatedAt: parseUtcText(row.updated_at),
    };
  }

  async save(checkpoint: BackfillCheckpoint): Promise<void> {
    if (!this.created) await this.create();
    const totals = { ...checkpoint.totals, errors: checkpoint.totals.errors.slice(0, STORED_ERRORS) };
    await this.sql.transaction(async (sql) => {
      await sql.write(`DELETE FROM ${CHECKPOINT_TABLE} WHERE run_mode = :mode`, { mode: checkpoint.mode });
      await sql.write(
        `INSERT INTO ${CHECKPOINT_TABLE} (run_mode, last_file_id, totals, started_at, updated_at)
         VALUES (:mode, :lastFileId, :totals, :startedAt, :updatedAt)`,
        {
          mode: checkpoint.mode,
          lastFileId: checkpoint.lastFileId,
          totals: JSON.stringify(totals),
          startedAt: utcText(checkpoint.startedAt),
          updatedAt: utcText(checkpoint.updatedAt),
        },
      );
    });
  }

  async clear(mode: CandidateMode): Promise<void> {
    if (!(await this.sql.tableExists(CHECKPOINT_TABLE))) return;
    await this.sql.write(`DELETE FROM ${CHECKPOINT_TABLE} WHERE run_mode = :mode`, { mode });
  }

  private async create(): Promise<void> {
    await this.sql.write(
      `CREATE TABLE IF NOT EXISTS ${CHECKPOINT_TABLE} (
         run_mode VARCHAR(16) NOT NULL PRIMARY KEY,
         last_file_id BIGINT NOT NULL,
         totals TEXT NOT NULL,
         started_at VARCHAR(32) NOT NULL,
         updated_at VARCHAR(32) NOT NULL)`,
    );
    this.created = true;
  }

  /** Removes the table (schema down to nothing). */
  async drop(): Promise<boolean> {
    if (!(await this.sql.tableExists(CHECKPOINT_TABLE))) return false;
    await this.sql.write(`DROP TABLE ${CHECKPOINT_TABLE}`);
    return true;
  }
}

/** Reads back what utcText wrote. */
const parseUtcText = (value: unknown): Date => new Date(`${String(value).replace(' ', 'T')}Z`);
