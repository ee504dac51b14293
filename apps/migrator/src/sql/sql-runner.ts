import type { DataSource, QueryRunner } from 'typeorm';

export type SqlParams = Record<string, unknown>;

/**
 * Plain SQL with `:named` parameters (`:...list` expands a list) on the migrator's own connection, for the few
 * things no domain port covers: schema checks and dropping the checkpoint table. Kept portable: no statement here
 * depends on which of the three databases runs it.
 */
export class SqlRunner {
  constructor(private readonly dataSource: DataSource) {}

  async rows(sql: string, params: SqlParams = {}): Promise<Record<string, unknown>[]> {
    const result = await this.run(sql, params);
    return Array.isArray(result.records) ? (result.records as Record<string, unknown>[]) : [];
  }

  /** Runs a statement and returns the number of rows it changed. */
  async write(sql: string, params: SqlParams = {}): Promise<number> {
    return (await this.run(sql, params)).affected ?? 0;
  }

  async tableExists(table: string): Promise<boolean> {
    return this.withRunner((runner) => runner.hasTable(table));
  }

  private run(sql: string, params: SqlParams) {
    const [query, values] = this.dataSource.driver.escapeQueryWithParameters(sql, params);
    return this.withRunner((runner) => runner.query(query, values, true));
  }

  private async withRunner<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await work(runner);
    } finally {
      await runner.release();
    }
  }
}

/** An integer column as every driver returns it (number, bigint or decimal text). */
export function integerOf(column: string, value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  if (value === null || value === undefined) return 0;
  throw new Error(`Column ${column} holds ${JSON.stringify(value)}, expected an integer.`);
}
