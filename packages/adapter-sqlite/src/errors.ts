import { StoreError } from '@steptrail/domain';

/** better-sqlite3 error codes → the domain's storage errors (typeorm wraps the driver error in `driverError`). */
const KINDS: Readonly<Record<string, StoreError['kind']>> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique_violation',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique_violation',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign_key_violation',
  SQLITE_BUSY: 'transient_conflict',
  SQLITE_BUSY_SNAPSHOT: 'transient_conflict',
  SQLITE_LOCKED: 'transient_conflict',
  SQLITE_CANTOPEN: 'unavailable',
};

export function mapSqliteError(error: unknown): unknown {
  const code = driverCode(error);
  const kind = code === null ? undefined : KINDS[code];
  if (kind === undefined) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError(kind, `SQLite ${code}: ${message}`, { cause: error });
}

function driverCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const driverError = 'driverError' in error ? error.driverError : error;
  if (typeof driverError === 'object' && driverError !== null && 'code' in driverError) {
    return typeof driverError.code === 'string' ? driverError.code : null;
  }
  return null;
}
