import type { DomainErrorCode } from '@steptrail/domain';

/** Codes the HTTP layer adds to the domain's: request shape, auth, transport and infrastructure problems. */
export type HttpErrorCode =
  | 'VALIDATION_FAILED'
  | 'INVALID_JSON'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'ROUTE_NOT_FOUND'
  | 'PAYLOAD_TOO_LARGE'
  | 'REQUEST_TIMEOUT'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'STORE_BUSY'
  | 'STORE_UNAVAILABLE'
  | 'NOT_READY'
  | 'WEBHOOK_NOT_FOUND'
  | 'CONTENT_NOT_FOUND'
  | 'PRECONDITION_FAILED'
  | 'RANGE_NOT_SATISFIABLE'
  | 'INTERNAL';

export type ApiErrorCode = DomainErrorCode | HttpErrorCode;

/** One validation problem: where (`body.status`), what went wrong, and the rule's code. */
export interface Problem {
  path: string;
  code: string;
  message: string;
}

/** The body of every error response. */
export interface ErrorBody {
  error: { code: ApiErrorCode; message: string; details?: Record<string, unknown> };
}

/** An expected failure on its way to becoming an error response; its status comes from the error table. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    /** Extra response headers, e.g. WWW-Authenticate or Retry-After. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ErrorBody {
    const error = { code: this.code, message: this.message };
    return { error: this.details === undefined ? error : { ...error, details: this.details } };
  }
}
