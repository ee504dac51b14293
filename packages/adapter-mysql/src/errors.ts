import { StoreError, type StoreErrorKind } from '@steptrail/domain';

/**
 * Server error numbers (MySQL and MariaDB share them) → the domain's storage errors. Left out on purpose: 1406
 * ER_DATA_TOO_LONG and 1265 WARN_DATA_TRUNCATED (errors in strict mode). A value that does not fit its column is
 * none of the kinds: no other row is involved, and the same write fails again however often it is retried. It is a
 * fault — a column narrower than steptrail's schema, which WidenLegacyColumns widens — and is thrown as it is.
 */
const BY_ERRNO: ReadonlyMap<number, StoreErrorKind> = new Map<number, StoreErrorKind>([
  [1062, 'unique_violation'], // ER_DUP_ENTRY
  [1586, 'unique_violation'], // ER_DUP_ENTRY_WITH_KEY_NAME
  [1216, 'foreign_key_violation'], // ER_NO_REFERENCED_ROW (servers before 5.0.14 wording)
  [1217, 'foreign_key_violation'], // ER_ROW_IS_REFERENCED
  [1451, 'foreign_key_violation'], // ER_ROW_IS_REFERENCED_2: a parent row is still referenced
  [1452, 'foreign_key_violation'], // ER_NO_REFERENCED_ROW_2: the parent row is missing
  [1213, 'transient_conflict'], // ER_LOCK_DEADLOCK: InnoDB rolled the whole transaction back
  [1205, 'transient_conflict'], // ER_LOCK_WAIT_TIMEOUT: waited innodb_lock_wait_timeout for a row lock
  [1020, 'transient_conflict'], // ER_CHECKREAD: MariaDB's innodb_snapshot_isolation saw a row change under it
  [1040, 'unavailable'], // ER_CON_COUNT_ERROR: too many connections
  [1053, 'unavailable'], // ER_SERVER_SHUTDOWN
  [1927, 'unavailable'], // ER_CONNECTION_KILLED (MariaDB)
  [4031, 'unavailable'], // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8.0.24+ closes idle connections with it)
  [2002, 'unavailable'], // CR_CONNECTION_ERROR
  [2003, 'unavailable'], // CR_CONN_HOST_ERROR
  [2006, 'unavailable'], // CR_SERVER_GONE_ERROR
  [2013, 'unavailable'], // CR_SERVER_LOST
]);

/** Errors raised by Node's sockets and by mysql2's protocol layer carry a code and no server errno. */
const BY_CODE: ReadonlyMap<string, StoreErrorKind> = new Map<string, StoreErrorKind>([
  ['ECONNREFUSED', 'unavailable'],
  ['ECONNRESET', 'unavailable'],
  ['ETIMEDOUT', 'unavailable'],
  ['ENOTFOUND', 'unavailable'],
  ['EHOSTUNREACH', 'unavailable'],
  ['EPIPE', 'unavailable'],
  ['PROTOCOL_CONNECTION_LOST', 'unavailable'],
  ['PROTOCOL_SEQUENCE_TIMEOUT', 'unavailable'],
]);

interface DriverFailure {
  errno: number | null;
  code: string | null;
  /** mysql2 marks errors after which the connection is unusable. */
  fatal: boolean;
}

/**
 * Maps a mysql2 error (bare, or wrapped by TypeORM as `QueryFailedError.driverError`) to a StoreError when it is
 * one of the known kinds; anything else, StoreErrors included, is returned unchanged.
 */
export function mapMysqlError(error: unknown): unknown {
  if (error instanceof StoreError) return error;
  const failure = driverFailure(error);
  if (failure === null) return error;
  const kind =
    (failure.errno === null ? undefined : BY_ERRNO.get(failure.errno)) ??
    (failure.code === null ? undefined : BY_CODE.get(failure.code)) ??
    // A fatal error we have no number for still means the connection is gone.
    (failure.fatal ? 'unavailable' : undefined);
  if (kind === undefined) return error;
  const message = error instanceof Error ? error.message : String(error);
  // Node's socket errors carry negative errnos that only repeat their code.
  const errno = failure.errno !== null && failure.errno > 0 ? failure.errno : null;
  const label = [errno, failure.code].filter((part) => part !== null).join(' ');
  return new StoreError(kind, `MySQL ${label}: ${message}`, { cause: error });
}

function driverFailure(error: unknown): DriverFailure | null {
  if (typeof error !== 'object' || error === null) return null;
  const driverError = 'driverError' in error ? error.driverError : error;
  if (typeof driverError !== 'object' || driverError === null) return null;
  const errno = 'errno' in driverError && typeof driverError.errno === 'number' ? driverError.errno : null;
  const code = 'code' in driverError && typeof driverError.code === 'string' ? driverError.code : null;
  const fatal = 'fatal' in driverError && driverError.fatal === true;
  return errno === null && code === null && !fatal ? null : { errno, code, fatal };
}
