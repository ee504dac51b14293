import type { StoreCapabilities } from '@steptrail/domain';
import type { QueryRunner } from 'typeorm';
import type {
  CapabilitySql,
  CommonSql,
  Dialect,
  DialectCapabilities,
  DialectDriver,
  DialectName,
  RawResult,
  RowLocks,
  WriteResult,
} from './dialect.js';
import { requireInteger } from './mappers/column-parsers.js';

/** Each piece of CapabilitySql, required when `Needed` holds and left out otherwise. */
type Piece<K extends keyof CapabilitySql, Needed extends boolean> = Needed extends true
  ? Pick<CapabilitySql, K>
  : { readonly [P in K]?: never };

/** The `sql` part a dialect with capabilities `C` must have: the common SQL and exactly the pieces `C` needs. */
export type SqlFor<C extends DialectCapabilities> = CommonSql &
  Piece<'rowLocks', C['serializedWriters'] extends false ? true : false> &
  Piece<'eventKey', C['foldStrategy'] extends 'eventKey' ? true : false> &
  Piece<'jsonRows', C['jsonRowAggregation']> &
  Piece<'announce', C['wakeups'] extends 'notify' ? true : false>;

/**
 * A dialect whose `sql` part the compiler has checked against its capabilities: declaring `foldStrategy:
 * 'eventKey'` without `sql.eventKey`, or giving `sql.announce` to a dialect that polls, does not compile.
 */
export function defineDialect<const C extends DialectCapabilities>(dialect: {
  name: DialectName;
  capabilities: C;
  driver: DialectDriver;
  sql: SqlFor<C>;
}): Dialect {
  return dialect;
}

/** The SQL piece a capability needs; a dialect built without defineDialect is told which piece it lacks. */
function piece<K extends keyof CapabilitySql>(
  dialect: Dialect,
  key: K,
  capability: string,
): CapabilitySql[K] {
  const value = dialect.sql[key];
  if (value === undefined)
    throw new Error(`The ${dialect.name} dialect declares ${capability} but has no sql.${key}.`);
  return value as CapabilitySql[K];
}

/** The clause that locks a SELECT's rows, or nothing where the transaction already holds the write lock. */
export function rowLock(dialect: Dialect, lock: keyof RowLocks): string {
  if (dialect.capabilities.serializedWriters) return '';
  return piece(dialect, 'rowLocks', 'writers that lock rows')[lock];
}

/** The suffix that makes a one-row INSERT give back its id, where the driver does not report it. */
export const returningId = (dialect: Dialect): string =>
  dialect.capabilities.returningId ? ' RETURNING id' : '';

/** The suffix that makes a multi-row INSERT give back every id, where they are not derived from the first one. */
export const returningIds = (dialect: Dialect): string =>
  dialect.capabilities.returningIds ? ' RETURNING id' : '';

/**
 * The ids of the `count` rows a multi-row INSERT ending in returningIds() added to `table`, ascending: as returned,
 * or (a dialect without RETURNING) consecutive from the first insert id the driver reports.
 */
export function insertedIds(dialect: Dialect, result: WriteResult, count: number, table: string): number[] {
  const ids = !dialect.capabilities.returningIds
    ? Array.from({ length: count }, (_, index) => (result.insertId ?? Number.NaN) + index)
    : result.rows.map((row) => requireInteger(`${table}.id`, row.id)).sort((a, b) => a - b);
  if (ids.length !== count || ids.some((id) => !Number.isSafeInteger(id)))
    throw new Error(`The database did not report the ids of the new ${table} rows.`);
  return ids;
}

/** The event key of a dialect whose fold strategy is 'eventKey'. */
export const eventKeyOf = (dialect: Dialect) => piece(dialect, 'eventKey', "foldStrategy 'eventKey'");

/** The JSON row aggregate of a dialect with jsonRowAggregation. */
export const jsonRowsOf = (dialect: Dialect) => piece(dialect, 'jsonRows', 'jsonRowAggregation');

/** The statements that wake idle workers of other processes at commit: none where they poll. */
export function announceStatements(dialect: Dialect): string[] {
  if (dialect.capabilities.wakeups === 'poll') return [];
  return [piece(dialect, 'announce', "wakeups 'notify'")];
}

/** What the domain learns of a store on this dialect. */
export function storeCapabilities(dialect: Dialect): StoreCapabilities {
  return {
    dialect: dialect.name,
    concurrentWriters: !dialect.capabilities.serializedWriters,
    pushNotifications: dialect.capabilities.wakeups === 'notify',
  };
}

/** `driver.execute` through TypeORM's own query, for drivers with no cheaper way. */
export async function runWithTypeorm(
  runner: QueryRunner,
  sql: string,
  values: readonly unknown[],
): Promise<RawResult> {
  // TypeORM types the values as mutable but only reads them.
  const result = await runner.query(sql, values as unknown[], true);
  const rows = Array.isArray(result.records) ? (result.records as Record<string, unknown>[]) : [];
  return { rows, affected: result.affected ?? 0, raw: result.raw };
}
