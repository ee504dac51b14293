import type { ExpiredLease, FileRecord, LockedStep, StepRef, WorkQueue } from '@steptrail/domain';
import { parseText, requireInteger, requireText } from '../mappers/column-parsers.js';
import { FILE_COLUMNS, LIVE, fileColumns, toFileRecord } from '../mappers/row-mappers.js';
import type { SqlExecutor } from '../sql-executor.js';
import { announceStatements, rowLock } from '../define-dialect.js';

/**
 * Claiming never waits: candidate step rows and then their file rows are locked with SKIP LOCKED (one immediate
 * write transaction on SQLite), so a claimer cannot deadlock with writers that lock file first, step second.
 * Only steps of managed files are runnable: an external pipeline runs the others, whatever their run_after
 * (docs/architecture.md#work-claiming).
 */
export class TypeormWorkQueue implements WorkQueue {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly onAnnounce: () => void,
    /** Whether `files` has DocuElevate's `workflow_plan` (see TypeormFileRepository). */
    private readonly hasPlan = false,
  ) {}

  async lockRunnable(limit: number, now: Date, stepNames: readonly string[] | null): Promise<LockedStep[]> {
    const d = this.sql.dialect;
    const filter = stepNames === null ? '' : ' AND step_name IN (:...stepNames)';
    if (stepNames !== null && stepNames.length === 0) return [];
    const rows = await this.sql.rows(
      `SELECT file_id, step_name FROM file_processing_steps
       WHERE status = 'pending' AND run_after <= :now${filter}
         AND EXISTS (SELECT 1 FROM files f WHERE f.id = file_processing_steps.file_id AND f.managed = :managed)
       ORDER BY run_after, id LIMIT :limit${rowLock(d, 'stepRowSkipLocked')}`,
      { now: d.driver.time(now), limit, stepNames, managed: true },
    );
    const refs = rows.map((row) => ({
      fileId: requireInteger('file_processing_steps.file_id', row.file_id),
      stepName: requireText('file_processing_steps.step_name', row.step_name),
    }));
    return withLockedFiles(this.sql, refs, this.hasPlan);
  }

  async renewLeases(owner: string, steps: readonly StepRef[], expiresAt: Date): Promise<StepRef[]> {
    const held: StepRef[] = [];
    for (const step of steps) {
      const result = await this.sql.write(
        `UPDATE file_processing_steps SET lease_expires_at = :expiresAt
         WHERE file_id = :fileId AND step_name = :stepName AND status = 'in_progress' AND lease_owner = :owner`,
        {
          fileId: step.fileId,
          stepName: step.stepName,
          owner,
          expiresAt: this.sql.dialect.driver.time(expiresAt),
        },
      );
      if (result.affected > 0) held.push({ fileId: step.fileId, stepName: step.stepName });
    }
    return held;
  }

  async lockExpired(limit: number, now: Date): Promise<ExpiredLease[]> {
    const d = this.sql.dialect;
    const rows = await this.sql.rows(
      `SELECT file_id, step_name, lease_owner, attempts FROM file_processing_steps
       WHERE status = 'in_progress' AND lease_expires_at < :now
       ORDER BY lease_expires_at, id LIMIT :limit${rowLock(d, 'stepRowSkipLocked')}`,
      { now: d.driver.time(now), limit },
    );
    const expired = rows.map((row) => ({
      fileId: requireInteger('file_processing_steps.file_id', row.file_id),
      stepName: requireText('file_processing_steps.step_name', row.step_name),
      leaseOwner: parseText('file_processing_steps.lease_owner', row.lease_owner),
      attempts: requireInteger('file_processing_steps.attempts', row.attempts),
    }));
    return withLockedFiles(this.sql, expired, this.hasPlan);
  }

  async announce(): Promise<void> {
    for (const statement of announceStatements(this.sql.dialect)) await this.sql.write(statement);
    this.onAnnounce();
  }
}

/** Keeps the steps whose file row this transaction could lock without waiting, each with its file. */
export async function withLockedFiles<T extends StepRef>(
  sql: SqlExecutor,
  refs: T[],
  hasPlan: boolean,
): Promise<Array<T & { file: FileRecord }>> {
  if (refs.length === 0) return [];
  const rows = await sql.rows(
    `SELECT ${fileColumns(FILE_COLUMNS, hasPlan)} FROM files WHERE id IN (:...ids) AND ${LIVE}${rowLock(sql.dialect, 'fileRowSkipLocked')}`,
    { ids: [...new Set(refs.map((ref) => ref.fileId))] },
  );
  const files = new Map(rows.map(toFileRecord).map((file) => [file.id, file]));
  return refs.flatMap((ref) => {
    const file = files.get(ref.fileId);
    return file === undefined ? [] : [{ ...ref, file }];
  });
}
