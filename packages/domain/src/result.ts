/** Expected failures are values; faults are thrown. */
export type Result<T, E = DomainError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const err = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });

export type DomainErrorCode =
  | 'UNKNOWN_STATUS'
  | 'INVALID_STEP_NAME'
  | 'INVALID_EVENT'
  | 'INVALID_WORKFLOW'
  | 'UNKNOWN_WORKFLOW'
  | 'FILE_NOT_FOUND'
  | 'STEP_NOT_FOUND'
  | 'NOT_RETRYABLE'
  | 'LEASE_LOST'
  | 'CONFLICT'
  | 'EVENT_ID_CONFLICT'
  | 'STEP_NOT_IN_WORKFLOW'
  | 'BULK_OPERATION_NOT_FOUND'
  | 'TOO_MANY_FILES';

export interface DomainError {
  code: DomainErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export const domainError = (
  code: DomainErrorCode,
  message: string,
  details?: Record<string, unknown>,
): DomainError => (details === undefined ? { code, message } : { code, message, details });
