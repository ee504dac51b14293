import type { DataSource, QueryRunner } from 'typeorm';
import type { Dialect, RawResult, WriteResult } from './dialect.js';
import { bindNamedParameters } from './named-parameters.js';

export type SqlParams = Record<string, unknown>;

/**
 * Runs SQL with `:named` parameters (`:...list` expands a list) on a transaction's query runner, or on the pool
 * for autocommit reads. Driver errors leave through the dialect's error mapping.
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
    const [query, values] = bindNamedParameters(sql, params, (position) =>
      this.dialect.placeholder(position),
    );
    const runner = this.runner ?? this.dataSource.createQueryRunner();
    try {
      const { rows, affected, raw } = await this.execute(runner, query, values);
      return { affected, insertId: this.dialect.insertId(raw, rows), rows };
    } catch (error) {
      throw this.dialect.mapError(error);
    } finally {
      if (this.runner === null) await runner.release();
    }
  }

  private async execute(runner: QueryRunner, query: string, values: unknown[]): Promise<RawResult> {
    if (this.dialect.execute !== undefined) return this.dialect.execute(runner, query, values);
    const result = await runner.query(query, values, true);
    const rows = Array.isArray(result.records) ? (result.records as Record<string, unknown>[]) : [];
    return { rows, affected: result.affected ?? 0, raw: result.raw };
  }
}
