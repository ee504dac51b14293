import { isStoreError, type DomainError, type DomainErrorCode, type StoreErrorKind } from '@steptrail/domain';
import { ApiError, type ApiErrorCode, type HttpErrorCode } from './api-error.js';

/**
 * THE code → HTTP status table. `satisfies` makes a new domain code a compile error until it has a status here.
 */
export const DOMAIN_ERROR_STATUS = {
  UNKNOWN_STATUS: 400,
  INVALID_STEP_NAME: 400,
  INVALID_EVENT: 400,
  INVALID_WORKFLOW: 400,
  UNKNOWN_WORKFLOW: 400,
  FILE_NOT_FOUND: 404,
  STEP_NOT_FOUND: 404,
  NOT_RETRYABLE: 409,
  LEASE_LOST: 409,
  CONFLICT: 409,
  EVENT_ID_CONFLICT: 409,
  STEP_NOT_IN_WORKFLOW: 400,
  BULK_OPERATION_NOT_FOUND: 404,
  TOO_MANY_FILES: 422,
} as const satisfies Record<DomainErrorCode, number>;

export const HTTP_ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  ROUTE_NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  REQUEST_TIMEOUT: 408,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL: 500,
  STORE_BUSY: 503,
  STORE_UNAVAILABLE: 503,
  NOT_READY: 503,
  WEBHOOK_NOT_FOUND: 404,
  CONTENT_NOT_FOUND: 404,
  PRECONDITION_FAILED: 412,
  RANGE_NOT_SATISFIABLE: 416,
} as const satisfies Record<HttpErrorCode, number>;

const STATUS: Readonly<Record<ApiErrorCode, number>> = { ...DOMAIN_ERROR_STATUS, ...HTTP_ERROR_STATUS };

export const statusOf = (code: ApiErrorCode): number => STATUS[code];

/** The storage failures the domain understands, as API errors. */
const STORE_ERRORS = {
  unique_violation: { code: 'CONFLICT', message: 'The change conflicts with data that already exists.' },
  foreign_key_violation: {
    code: 'CONFLICT',
    message: 'The change refers to, or removes, data that other data still refers to.',
  },
  transient_conflict: {
    code: 'STORE_BUSY',
    message: 'The database was busy with competing changes; retry the request.',
  },
  unavailable: {
    code: 'STORE_UNAVAILABLE',
    message: 'The database cannot be reached right now; retry later.',
  },
} as const satisfies Record<StoreErrorKind, { code: ApiErrorCode; message: string }>;

/** body-parser's error types (express.json), as API errors. */
const BODY_PARSER_ERRORS: Readonly<Record<string, { code: HttpErrorCode; message: string }>> = {
  // express.json is strict: a bare value (null, 1, "x") fails to parse like malformed JSON does.
  'entity.parse.failed': {
    code: 'INVALID_JSON',
    message:
      'The request body is not a JSON object or array: it is malformed, or a bare value such as null or 1.',
  },
  'entity.too.large': {
    code: 'PAYLOAD_TOO_LARGE',
    message: 'The request body is larger than this server accepts.',
  },
  'encoding.unsupported': {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'The request body uses an unsupported content encoding.',
  },
  'charset.unsupported': {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'The request body uses an unsupported charset.',
  },
  'request.aborted': { code: 'VALIDATION_FAILED', message: 'The request body was not received completely.' },
  'request.size.invalid': {
    code: 'VALIDATION_FAILED',
    message: 'The request body length does not match Content-Length.',
  },
};

export const fromDomainError = (error: DomainError): ApiError =>
  new ApiError(error.code, error.message, error.details);

/** Any thrown value as an ApiError; unknown faults become INTERNAL with a message that reveals nothing. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isStoreError(error)) {
    const mapped = STORE_ERRORS[error.kind];
    const headers: Record<string, string> = statusOf(mapped.code) === 503 ? { 'Retry-After': '1' } : {};
    return new ApiError(mapped.code, mapped.message, { storeError: error.kind }, headers);
  }
  // Express's router could not percent-decode a path segment (`/api/files/%ZZ`, `/api/files/%C0%AF`).
  if (error instanceof URIError) {
    return new ApiError(
      'VALIDATION_FAILED',
      'The request path is not valid percent-encoding: "%" must be followed by two hexadecimal digits that encode UTF-8.',
      { problems: [{ path: 'params', code: 'invalid_encoding', message: 'Malformed percent-encoding.' }] },
    );
  }
  const parserType = bodyParserType(error);
  if (parserType !== null) {
    const mapped = BODY_PARSER_ERRORS[parserType];
    if (mapped !== undefined) return new ApiError(mapped.code, mapped.message);
  }
  return new ApiError('INTERNAL', 'The server failed to handle this request; the failure was logged.');
}

function bodyParserType(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('type' in error) || !('status' in error)) return null;
  return typeof error.type === 'string' ? error.type : null;
}
