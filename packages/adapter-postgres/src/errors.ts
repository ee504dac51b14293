import { StoreError } from '@steptrail/domain';

/** SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html) → the domain's storage errors. */
const SQLSTATE_KINDS: Readonly<Record<string, StoreError['kind']>> = {
  '23505': 'unique_violation',
  '23503': 'foreign_key_violation',
  '40P01': 'transient_conflict', // deadlock_detected
  '40001': 'transient_conflict', // serialization_failure
  '55P03': 'transient_conflict', // lock_not_available (lock_timeout, NOWAIT)
  '57P01': 'unavailable', // admin_shutdown
  '57P02': 'unavailable', // crash_shutdown
  '57P03': 'unavailable', // cannot_connect_now (starting up, shutting down)
  '53300': 'unavailable', // too_many_connections
};

/** Node socket errors raised before PostgreSQL ever answers. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EPIPE',
]);

// pg reports a connection lost mid-session or a connect timeout with a plain Error that has no code.
const LOST_CONNECTION =
  /^Connection terminated|^Client has encountered a connection error|timeout exceeded when trying to connect/;

/** Maps a pg error (bare, or wrapped by TypeORM as QueryFailedError.driverError) to a StoreError when it is known. */
export function mapPostgresError(error: unknown): unknown {
  if (error instanceof StoreError) return error;
  const kind = kindOf(error);
  if (kind === null) return error;
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError(kind, `PostgreSQL${code === null ? '' : ` ${code}`}: ${message}`, { cause: error });
}

function kindOf(error: unknown): StoreError['kind'] | null {
  const code = codeOf(error);
  if (code !== null) {
    const known = SQLSTATE_KINDS[code];
    if (known !== undefined) return known;
    // Class 08: connection exceptions (the server refused or dropped the session).
    if (/^08[0-9A-Z]{3}$/.test(code) || SOCKET_CODES.has(code)) return 'unavailable';
  }
  // TypeORM releases a query runner whose connection reported an error; a later query meets the released runner.
  if (error instanceof Error && error.name === 'QueryRunnerAlreadyReleasedError') return 'unavailable';
  const message = messageOf(error);
  return message !== null && LOST_CONNECTION.test(message) ? 'unavailable' : null;
}

/** The SQLSTATE or socket code, looked for on TypeORM's wrapper, the driver error, and an AggregateError's parts. */
function codeOf(error: unknown): string | null {
  for (const candidate of candidates(error)) {
    if ('code' in candidate && typeof candidate.code === 'string') return candidate.code;
  }
  return null;
}

function messageOf(error: unknown): string | null {
  for (const candidate of candidates(error)) {
    if (candidate instanceof Error && candidate.message !== '') return candidate.message;
  }
  return null;
}

function candidates(error: unknown): object[] {
  if (typeof error !== 'object' || error === null) return [];
  const found: object[] = [];
  const driverError = 'driverError' in error ? error.driverError : undefined;
  if (typeof driverError === 'object' && driverError !== null) found.push(driverError);
  found.push(error);
  // Node reports a refused connection to a host with several addresses as an AggregateError of socket errors.
  if (error instanceof AggregateError) {
    for (const inner of error.errors as unknown[])
      if (typeof inner === 'object' && inner !== null) found.push(inner);
  }
  return found;
}
