import { StoreError, type StoreErrorKind } from '@steptrail/domain';
import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { mapMysqlError } from '../src/errors.js';

/** What mysql2 puts on its errors: a server errno with its code, or only a code for socket and protocol errors. */
function driverError(fields: { errno?: number; code?: string; fatal?: boolean }): Error {
  return Object.assign(new Error(`driver says ${fields.code ?? fields.errno ?? 'something'}`), fields);
}

const wrapped = (error: Error) => new QueryFailedError('SELECT 1', [], error);

const kindOf = (error: unknown): StoreErrorKind | 'unmapped' =>
  error instanceof StoreError ? error.kind : 'unmapped';

describe('mapMysqlError', () => {
  const cases: ReadonlyArray<
    [string, { errno?: number; code?: string; fatal?: boolean }, StoreErrorKind | 'unmapped']
  > = [
    ['a duplicate key', { errno: 1062, code: 'ER_DUP_ENTRY' }, 'unique_violation'],
    [
      'a duplicate key reported with its key name',
      { errno: 1586, code: 'ER_DUP_ENTRY_WITH_KEY_NAME' },
      'unique_violation',
    ],
    [
      'a child row without its parent',
      { errno: 1452, code: 'ER_NO_REFERENCED_ROW_2' },
      'foreign_key_violation',
    ],
    [
      'deleting a parent that is still referenced',
      { errno: 1451, code: 'ER_ROW_IS_REFERENCED_2' },
      'foreign_key_violation',
    ],
    ['the old missing-parent number', { errno: 1216, code: 'ER_NO_REFERENCED_ROW' }, 'foreign_key_violation'],
    [
      'the old still-referenced number',
      { errno: 1217, code: 'ER_ROW_IS_REFERENCED' },
      'foreign_key_violation',
    ],
    ['a deadlock', { errno: 1213, code: 'ER_LOCK_DEADLOCK' }, 'transient_conflict'],
    ['a lock wait timeout', { errno: 1205, code: 'ER_LOCK_WAIT_TIMEOUT' }, 'transient_conflict'],
    [
      'MariaDB snapshot isolation seeing a changed row',
      { errno: 1020, code: 'ER_CHECKREAD' },
      'transient_conflict',
    ],
    ['too many connections', { errno: 1040, code: 'ER_CON_COUNT_ERROR' }, 'unavailable'],
    ['a server shutting down', { errno: 1053, code: 'ER_SERVER_SHUTDOWN' }, 'unavailable'],
    ['a killed connection', { errno: 1927, code: 'ER_CONNECTION_KILLED' }, 'unavailable'],
    [
      'an idle connection closed by MySQL 8',
      { errno: 4031, code: 'ER_CLIENT_INTERACTION_TIMEOUT' },
      'unavailable',
    ],
    ['a refused TCP connection', { errno: -111, code: 'ECONNREFUSED' }, 'unavailable'],
    ['a connect timeout', { code: 'ETIMEDOUT' }, 'unavailable'],
    ['a connection lost mid-query', { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }, 'unavailable'],
    ['a server gone away', { errno: 2006 }, 'unavailable'],
    ['a server lost during a query', { errno: 2013 }, 'unavailable'],
    [
      'any other fatal connection error',
      { code: 'PROTOCOL_PACKETS_OUT_OF_ORDER', fatal: true },
      'unavailable',
    ],
    ['a syntax error', { errno: 1064, code: 'ER_PARSE_ERROR' }, 'unmapped'],
    ['an unknown column', { errno: 1054, code: 'ER_BAD_FIELD_ERROR' }, 'unmapped'],
    ['a value too long for its column', { errno: 1406, code: 'ER_DATA_TOO_LONG' }, 'unmapped'],
    ['a value truncated to fit its column', { errno: 1265, code: 'WARN_DATA_TRUNCATED' }, 'unmapped'],
  ];

  it.each(cases)('maps %s (%j) wrapped by TypeORM to %s', (_what, fields, kind) => {
    expect(kindOf(mapMysqlError(wrapped(driverError(fields))))).toBe(kind);
  });

  it.each(cases)('maps %s (%j) thrown bare by the pool to %s', (_what, fields, kind) => {
    expect(kindOf(mapMysqlError(driverError(fields)))).toBe(kind);
  });

  it('keeps the driver error as the cause and names the error number in the message', () => {
    const error = wrapped(driverError({ errno: 1062, code: 'ER_DUP_ENTRY' }));
    const mapped = mapMysqlError(error);
    expect(mapped).toBeInstanceOf(StoreError);
    expect((mapped as StoreError).cause).toBe(error);
    expect((mapped as StoreError).message).toMatch(/^MySQL 1062 ER_DUP_ENTRY: /);
  });

  it('returns errors it does not know unchanged, StoreErrors and plain values included', () => {
    const plain = new Error('not from the driver');
    const already = new StoreError('unique_violation', 'mapped before');
    const syntax = wrapped(driverError({ errno: 1064, code: 'ER_PARSE_ERROR' }));
    expect(mapMysqlError(plain)).toBe(plain);
    expect(mapMysqlError(already)).toBe(already);
    expect(mapMysqlError(syntax)).toBe(syntax);
    expect(mapMysqlError('text')).toBe('text');
    expect(mapMysqlError(null)).toBe(null);
  });
});
