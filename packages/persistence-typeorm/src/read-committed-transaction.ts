import type { DataSource, QueryRunner } from 'typeorm';

/**
 * Runs `work` in one READ COMMITTED transaction on its own pooled connection, for server databases. Writers
 * serialize on the file row lock they take first, and after taking it the core re-reads a step's logs to re-fold a
 * late event: every statement must see rows committed meanwhile, not a snapshot from the transaction's first read
 * (InnoDB's default REPEATABLE READ would give the snapshot). `begin` are the statements that open such a
 * transaction: one round trip on PostgreSQL, where TypeORM's startTransaction takes two. Driver errors leave
 * through `mapError`.
 */
export async function readCommittedTransaction<T>(
  dataSource: DataSource,
  work: (runner: QueryRunner) => Promise<T>,
  mapError: (error: unknown) => unknown,
  begin: readonly string[],
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    for (const statement of begin) await runner.query(statement);
    try {
      const result = await work(runner);
      await runner.query('COMMIT');
      return result;
    } catch (error) {
      await rollbackQuietly(runner);
      throw error;
    }
  } catch (error) {
    throw mapError(error);
  } finally {
    await runner.release();
  }
}

/**
 * A failed rollback must not hide the error that caused it: after a deadlock the server has already rolled back,
 * and when the connection is gone the server discards the unfinished transaction itself.
 */
async function rollbackQuietly(runner: QueryRunner): Promise<void> {
  try {
    await runner.query('ROLLBACK');
  } catch {
    // See above: nothing is left to roll back.
  }
}
