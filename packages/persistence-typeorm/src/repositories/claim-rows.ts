import { rowLock } from '../define-dialect.js';
import { requireInteger } from '../mappers/column-parsers.js';
import type { SqlExecutor, SqlParams } from '../sql-executor.js';

/** Which rows of a claimed queue (a bulk operation's files, the webhook outbox) one claim takes. */
export interface ClaimQuery {
  /** The table, and its integer column whose values the claim gives back. */
  readonly table: string;
  readonly key: string;
  /** The rows that may be taken: a condition with `:named` parameters from `params`. */
  readonly where: string;
  readonly params: SqlParams;
  /** Which are taken first; ends in a unique column, so the order is total. */
  readonly orderBy: string;
  readonly limit: number;
}

/**
 * The keys of up to `limit` rows that may be taken, locked for the caller's transaction. Rows another transaction
 * holds are skipped, not waited for (`SKIP LOCKED` on PostgreSQL and MySQL; SQLite's single writer needs no lock),
 * so claimers never take the same row nor wait on each other. What makes the claim outlast the commit (a lease, a
 * recorded outcome) is the caller's write in the same transaction
 * (docs/architecture.md#bulk-operations, docs/architecture.md#webhooks).
 */
export async function claimRows(sql: SqlExecutor, query: ClaimQuery): Promise<number[]> {
  const { table, key, where, params, orderBy, limit } = query;
  const rows = await sql.rows(
    `SELECT ${key} FROM ${table} WHERE ${where}
     ORDER BY ${orderBy} LIMIT :limit${rowLock(sql.dialect, 'stepRowSkipLocked')}`,
    { ...params, limit },
  );
  return rows.map((row) => requireInteger(`${table}.${key}`, row[key]));
}
