import { StoreError } from '@steptrail/domain';
import { describe, expect, it } from 'vitest';
import { mapSqliteError } from '../src/errors.js';

const wrapped = (code: string) => Object.assign(new Error('query failed'), { driverError: { code } });

describe('mapSqliteError', () => {
  it.each([
    ['SQLITE_CONSTRAINT_UNIQUE', 'unique_violation'],
    ['SQLITE_CONSTRAINT_PRIMARYKEY', 'unique_violation'],
    ['SQLITE_CONSTRAINT_FOREIGNKEY', 'foreign_key_violation'],
    ['SQLITE_BUSY', 'transient_conflict'],
    ['SQLITE_LOCKED', 'transient_conflict'],
    ['SQLITE_CANTOPEN', 'unavailable'],
  ])('%s becomes a %s store error that keeps the driver error as its cause', (code, kind) => {
    const original = wrapped(code);
    const mapped = mapSqliteError(original);
    expect(mapped).toBeInstanceOf(StoreError);
    expect(mapped).toMatchObject({ kind, cause: original });
  });

  it('an error with an unknown code is returned unchanged', () => {
    const original = wrapped('SQLITE_IOERR');
    expect(mapSqliteError(original)).toBe(original);
  });
});
