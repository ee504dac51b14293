import { integerOf, type SqlRunner } from '../../src/sql/sql-runner.js';

/** A timestamp as every driver returns it (Date, or UTC text on SQLite), as ISO text; null stays null. */
export function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'string') throw new Error(`Not a timestamp: ${JSON.stringify(value)}`);
  const text = value.trim().replace(' ', 'T');
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`).toISOString();
}

/** "YYYY-MM-DD HH:MM:SS" fixture text as ISO. */
export const isoOf = (fixtureTime: string): string =>
  new Date(`${fixtureTime.replace(' ', 'T')}Z`).toISOString();

export interface StepView {
  status: string;
  startedAt: string | null;
  completedAt: string | null;
  errorMessage: string | null;
  attempts: number;
}

/** A file's step rows by name, as the fold's fields. */
export async function stepsOf(sql: SqlRunner, fileId: number): Promise<Record<string, StepView>> {
  const rows = await sql.rows(
    `SELECT step_name, status, started_at, completed_at, error_message, attempts
     FROM file_processing_steps WHERE file_id = :fileId`,
    { fileId },
  );
  return Object.fromEntries(
    rows.map((row) => [
      String(row.step_name),
      {
        status: String(row.status),
        startedAt: iso(row.started_at),
        completedAt: iso(row.completed_at),
        errorMessage: typeof row.error_message === 'string' ? row.error_message : null,
        attempts: integerOf('attempts', row.attempts),
      },
    ]),
  );
}

export async function rollupOf(
  sql: SqlRunner,
  fileId: number,
): Promise<{ status: string; totalSteps: number; failedSteps: number }> {
  const [row] = await sql.rows(
    'SELECT processing_status, total_steps, failed_steps FROM files WHERE id = :fileId',
    { fileId },
  );
  return {
    status: String(row?.processing_status),
    totalSteps: integerOf('total_steps', row?.total_steps),
    failedSteps: integerOf('failed_steps', row?.failed_steps),
  };
}

export async function count(
  sql: SqlRunner,
  from: string,
  params: Record<string, unknown> = {},
): Promise<number> {
  const [row] = await sql.rows(`SELECT COUNT(*) AS n FROM ${from}`, params);
  return integerOf('n', row?.n);
}

/** Every row of a table in id order, with values normalised so snapshots compare across drivers. */
export async function snapshot(
  sql: SqlRunner,
  table: string,
  columns: readonly string[] = ['*'],
): Promise<unknown[]> {
  const rows = await sql.rows(`SELECT ${columns.join(', ')} FROM ${table} ORDER BY id`);
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value]),
    ),
  );
}
