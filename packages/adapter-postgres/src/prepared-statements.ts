import type { RawResult } from '@steptrail/persistence-typeorm';
import type pg from 'pg';
import type { QueryRunner } from 'typeorm';
import { QueryRunnerAlreadyReleasedError } from 'typeorm/error/QueryRunnerAlreadyReleasedError.js';

/** Texts beyond this many run unprepared: ad-hoc IN lists of every length must not fill each session's memory. */
const MAX_PREPARED_TEXTS = 500;

/**
 * Runs statements as named prepared statements on the runner's pg connection: PostgreSQL parses and plans a text
 * once per session instead of at every execution, which is most of the server's work for the small statements
 * claims and outcomes are made of. Names are per store, one per text, so a session never sees one name with two
 * texts (pg refuses that).
 */
export function preparedStatements(): (
  runner: QueryRunner,
  text: string,
  values: readonly unknown[],
) => Promise<RawResult> {
  const names = new Map<string, string>();
  return async (runner, text, values) => {
    if (runner.isReleased) throw new QueryRunnerAlreadyReleasedError();
    // TypeORM's postgres runner hands out the pooled pg client it holds (typed `any` by TypeORM).
    const client = (await runner.connect()) as pg.PoolClient;
    let name = names.get(text);
    if (name === undefined && names.size < MAX_PREPARED_TEXTS) {
      name = `steptrail_${names.size + 1}`;
      names.set(text, name);
    }
    const result = await client.query({ name, text, values: [...values] });
    return {
      rows: result.rows as Record<string, unknown>[],
      affected: result.rowCount ?? 0,
      raw: result.rows,
    };
  };
}
