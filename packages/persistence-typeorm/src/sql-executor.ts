import type { DataSource, QueryRunner } from 'typeorm';
import type { Dialect, WriteResult } from './dialect.js';
import { bindNamedParameters } from './named-parameters.js';

export type SqlParams = Record<string, unknown>;

/**
 * Runs SQL with `:named` parameters (`:...list` expands a list) on a transaction's query runner, or on the pool
 * for autocommit reads, through the dialect's driver part (placeholders, execution, insert ids, error mapping).
 */
export class SqlExecutor {
  constructor(
    private readonly dataSource: DataSource,
    readonly dialect: Dialect,
    private readonly runner: QueryRunner | null,
  ) {}

  async rows(sql: string, params: SqlParams = {}): Promise<Record<string, unknown>[]> {
    return (await this.write(sql, params)).rows;
  }

  async one(sql: string, params: SqlParams = {}): Promise<Record<string, unknown> | null> {
    return (await this.rows(sql, params))[0] ?? null;
  }

  async tableExists(table: string): Promise<boolean> {
    const runner = this.runner ?? this.dataSource.createQueryRunner();
    try {
      return await runner.hasTable(table);
    } finally {
      if (this.runner === null) await runner.release();
    }
  }

  async write(sql: string, params: SqlParams = {}): Promise<WriteResult> {
    const driver = this.dialect.driver;
    const [query, values] = bindNamedParameters(sql, params, (position) => driver.placeholder(position));
    const runner = this.runner ?? this.dataSource.createQueryRunner();
    try {
      const { rows, affected, raw } = await driver.execute(runner, query, values);
      return { affected, insertId: driver.insertId(raw, rows), rows };
    } catch (error) {
      throw driver.mapError(error);
    } finally {
      if (this.runner === null) await runner.release();
    }
  }
}
