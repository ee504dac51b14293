import { StoreError } from '@steptrail/domain';
import { QueryFailedError, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { mapPostgresError } from '../src/errors.js';

/** What pg throws: an Error carrying the SQLSTATE (or a Node socket code) in `code`. */
function pgError(code: string | undefined, message = 'boom'): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

const kindOf = (error: unknown): string | null => {
  const mapped = mapPostgresError(error);
  return mapped instanceof StoreError ? mapped.kind : null;
};

describe('mapPostgresError', () => {
  it.each([
    ['23505', 'unique_violation'],
    ['23503', 'foreign_key_violation'],
    ['40P01', 'transient_conflict'],
    ['40001', 'transient_conflict'],
    ['55P03', 'transient_conflict'],
    ['57P01', 'unavailable'],
    ['57P02', 'unavailable'],
    ['57P03', 'unavailable'],
    ['53300', 'unavailable'],
    ['08006', 'unavailable'],
    ['08001', 'unavailable'],
    ['08P01', 'unavailable'],
    ['ECONNREFUSED', 'unavailable'],
    ['ECONNRESET', 'unavailable'],
    ['ETIMEDOUT', 'unavailable'],
    ['ENOTFOUND', 'unavailable'],
  ])('maps the driver code %s to %s', (code, kind) => {
    expect(kindOf(pgError(code))).toBe(kind);
  });

  it.each([
    ['a syntax error', '42601'],
    ['a not-null violation', '23502'],
    ['a check violation', '23514'],
    ['an undefined table', '42P01'],
  ])('leaves %s (%s) unchanged', (_what, code) => {
    const error = pgError(code);
    expect(mapPostgresError(error)).toBe(error);
  });

  it('finds the SQLSTATE inside the QueryFailedError TypeORM wraps around the driver error', () => {
    const driverError = pgError('23505', 'duplicate key value violates unique constraint "unique_file_step"');
    const mapped = mapPostgresError(new QueryFailedError('INSERT ...', [], driverError));
    expect(mapped).toBeInstanceOf(StoreError);
    expect(mapped).toMatchObject({ kind: 'unique_violation' });
    expect((mapped as StoreError).cause).toBeInstanceOf(QueryFailedError);
    expect((mapped as StoreError).message).toContain('23505');
  });

  it('treats a refused connection reported as an AggregateError of socket errors as unavailable', () => {
    const refused = new AggregateError([pgError('ECONNREFUSED'), pgError('ECONNREFUSED')], '');
    expect(kindOf(refused)).toBe('unavailable');
  });

  it.each(['Connection terminated unexpectedly', 'Connection terminated due to connection timeout'])(
    'treats the code-less pg error "%s" as unavailable',
    (message) => {
      expect(kindOf(pgError(undefined, message))).toBe('unavailable');
    },
  );

  it('treats a query on a runner TypeORM released after its connection failed as unavailable', () => {
    expect(kindOf(new QueryRunnerAlreadyReleasedError())).toBe('unavailable');
  });

  it('returns a StoreError it is given as it is', () => {
    const error = new StoreError('unique_violation', 'already mapped');
    expect(mapPostgresError(error)).toBe(error);
  });

  it.each([
    ['a string', 'nope'],
    ['null', null],
    ['an error without code', new Error('plain')],
  ])('leaves %s unchanged', (_what, value) => {
    expect(mapPostgresError(value)).toBe(value);
  });
});
