import type { CandidateMode, MigrationProgress, MigrationTotals } from '@steptrail/domain';
import { RowParseError, parseTimestamp, requireInteger } from '../mappers/column-parsers.js';
import { utcText } from '../mappers/utc-wall-time.js';
import type { SqlExecutor } from '../sql-executor.js';

/** The backfill's one bookkeeping table: one row per candidate mode, created by the first real backfill. */
export const BACKFILL_PROGRESS_TABLE = 'steptrail_backfill_checkpoint';

/** Errors kept with the progress; the count of failed files stays exact in filesFailed. */
const STORED_ERRORS = 100;

/** LegacyMigrationStore's progress methods over BACKFILL_PROGRESS_TABLE. */
export class TypeormBackfillProgress {
  constructor(private readonly sql: SqlExecutor) {}

  async prepare(): Promise<void> {
    await this.sql.write(
      `CREATE TABLE IF NOT EXISTS ${BACKFILL_PROGRESS_TABLE} (
         run_mode VARCHAR(16) NOT NULL PRIMARY KEY,
         last_file_id BIGINT NOT NULL,
         totals TEXT NOT NULL,
         started_at VARCHAR(32) NOT NULL,
         updated_at VARCHAR(32) NOT NULL)`,
    );
  }

  async save(progress: MigrationProgress): Promise<void> {
    const totals = { ...progress.totals, errors: progress.totals.errors.slice(0, STORED_ERRORS) };
    await this.sql.write(`DELETE FROM ${BACKFILL_PROGRESS_TABLE} WHERE run_mode = :mode`, {
      mode: progress.mode,
    });
    await this.sql.write(
      `INSERT INTO ${BACKFILL_PROGRESS_TABLE} (run_mode, last_file_id, totals, started_at, updated_at)
       VALUES (:mode, :lastFileId, :totals, :startedAt, :updatedAt)`,
      {
        mode: progress.mode,
        lastFileId: progress.lastFileId,
        totals: JSON.stringify(totals),
        startedAt: utcText(progress.startedAt),
        updatedAt: utcText(progress.updatedAt),
      },
    );
  }

  async load(mode: CandidateMode): Promise<MigrationProgress | null> {
    if (!(await this.sql.tableExists(BACKFILL_PROGRESS_TABLE))) return null;
    const row = await this.sql.one(
      `SELECT last_file_id, totals, started_at, updated_at FROM ${BACKFILL_PROGRESS_TABLE} WHERE run_mode = :mode`,
      { mode },
    );
    if (row === null) return null;
    const startedAt = parseTimestamp(`${BACKFILL_PROGRESS_TABLE}.started_at`, row.started_at);
    return {
      mode,
      lastFileId: requireInteger(`${BACKFILL_PROGRESS_TABLE}.last_file_id`, row.last_file_id),
      totals: parseTotals(row.totals, mode),
      startedAt: startedAt ?? new Date(0),
      updatedAt: parseTimestamp(`${BACKFILL_PROGRESS_TABLE}.updated_at`, row.updated_at) ?? new Date(0),
    };
  }

  async clear(mode: CandidateMode): Promise<void> {
    if (!(await this.sql.tableExists(BACKFILL_PROGRESS_TABLE))) return;
    await this.sql.write(`DELETE FROM ${BACKFILL_PROGRESS_TABLE} WHERE run_mode = :mode`, { mode });
  }
}

function parseTotals(value: unknown, mode: CandidateMode): MigrationTotals {
  const unreadable = () =>
    new RowParseError(
      `${BACKFILL_PROGRESS_TABLE}.totals`,
      value,
      `the totals of a run (delete the row of mode ${mode} to start over)`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(value));
  } catch {
    throw unreadable();
  }
  if (typeof parsed !== 'object' || parsed === null || !('errors' in parsed) || !Array.isArray(parsed.errors))
    throw unreadable();
  const record = parsed as Record<string, unknown> & { errors: unknown[] };
  const count = (key: keyof Omit<MigrationTotals, 'errors'>) => {
    const found = record[key];
    if (typeof found !== 'number' || !Number.isSafeInteger(found) || found < 0) throw unreadable();
    return found;
  };
  const errors = record.errors.map((error) => {
    if (typeof error !== 'object' || error === null) throw unreadable();
    const { fileId, message } = error as Record<string, unknown>;
    if (typeof fileId !== 'number' || !Number.isSafeInteger(fileId) || typeof message !== 'string')
      throw unreadable();
    return { fileId, message };
  });
  return {
    totalFiles: count('totalFiles'),
    filesMigrated: count('filesMigrated'),
    filesFailed: count('filesFailed'),
    totalStepsCreated: count('totalStepsCreated'),
    totalStepsUpdated: count('totalStepsUpdated'),
    totalStepsSkipped: count('totalStepsSkipped'),
    eventsIgnored: count('eventsIgnored'),
    errors,
  };
}
