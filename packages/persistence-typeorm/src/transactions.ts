import type { DataSource, QueryRunner } from 'typeorm';
import type { Dialect } from './dialect.js';

/**
 * Runs transactions on one data source the way its dialect opens them: on its own connection, opened with
 * `driver.begin`, ended with COMMIT or ROLLBACK, driver errors mapped. Where writers are serialized (SQLite) this
 * process runs them one after another on its single writer connection, so none waits on a lock held by another
 * of its own transactions.
 *
 * Server databases open READ COMMITTED: writers serialize on the file row lock they take first, and after taking
 * it the core re-reads a step's logs to re-fold a late event, so every statement must see rows committed meanwhile,
 * not a snapshot from the transaction's first read (InnoDB's default REPEATABLE READ would give the snapshot).
 */
export class Transactions {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly dialect: Dialect,
  ) {}

  run<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    if (!this.dialect.capabilities.serializedWriters) return this.once(work);
    const result = this.tail.then(() => this.once(work));
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private async once<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      for (const statement of this.dialect.driver.begin) await runner.query(statement);
      try {
        const result = await work(runner);
        await runner.query('COMMIT');
        return result;
      } catch (error) {
        await rollbackQuietly(runner);
        throw error;
      }
    } catch (error) {
      throw this.dialect.driver.mapError(error);
    } finally {
      await runner.release();
    }
  }
}

/**
 * A failed rollback must not hide the error that caused it: after a deadlock the server has already rolled back,
 * SQLite rolls back by itself after some errors, and when the connection is gone the server discards the
 * unfinished transaction.
 */
async function rollbackQuietly(runner: QueryRunner): Promise<void> {
  try {
    await runner.query('ROLLBACK');
  } catch {
    // See above: nothing is left to roll back.
  }
}
