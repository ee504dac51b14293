import { StoreError, type DomainErrorCode, type StoreErrorKind } from '@steptrail/domain';
import { describe, expect, test } from 'vitest';
import { ApiError } from '../src/http/errors/api-error.js';
import {
  DOMAIN_ERROR_STATUS,
  fromDomainError,
  statusOf,
  toApiError,
} from '../src/http/errors/error-table.js';

describe('the code → HTTP status table', () => {
  test.each<[DomainErrorCode, number]>([
    ['UNKNOWN_STATUS', 400],
    ['INVALID_STEP_NAME', 400],
    ['INVALID_EVENT', 400],
    ['INVALID_WORKFLOW', 400],
    ['UNKNOWN_WORKFLOW', 400],
    ['FILE_NOT_FOUND', 404],
    ['STEP_NOT_FOUND', 404],
    ['NOT_RETRYABLE', 409],
    ['LEASE_LOST', 409],
    ['CONFLICT', 409],
  ])('domain code %s is HTTP %i', (code, status) => {
    expect(statusOf(code)).toBe(status);
    expect(statusOf(fromDomainError({ code, message: 'm' }).code)).toBe(status);
  });

  test('every domain code has a status', () => {
    expect(Object.values(DOMAIN_ERROR_STATUS).every((status) => status >= 400 && status < 500)).toBe(true);
  });

  test.each([
    ['VALIDATION_FAILED', 400],
    ['INVALID_JSON', 400],
    ['UNAUTHORIZED', 401],
    ['FORBIDDEN', 403],
    ['ROUTE_NOT_FOUND', 404],
    ['PAYLOAD_TOO_LARGE', 413],
    ['UNSUPPORTED_MEDIA_TYPE', 415],
    ['INTERNAL', 500],
    ['STORE_BUSY', 503],
    ['STORE_UNAVAILABLE', 503],
    ['NOT_READY', 503],
  ] as const)('HTTP code %s is %i', (code, status) => {
    expect(statusOf(code)).toBe(status);
  });

  test('a domain error keeps its message and details', () => {
    const error = fromDomainError({
      code: 'FILE_NOT_FOUND',
      message: 'File 7 does not exist.',
      details: { fileId: 7 },
    });
    expect(error.toBody()).toEqual({
      error: { code: 'FILE_NOT_FOUND', message: 'File 7 does not exist.', details: { fileId: 7 } },
    });
  });
});

describe('thrown values as API errors', () => {
  test.each<[StoreErrorKind, string, number]>([
    ['unique_violation', 'CONFLICT', 409],
    ['foreign_key_violation', 'CONFLICT', 409],
    ['transient_conflict', 'STORE_BUSY', 503],
    ['unavailable', 'STORE_UNAVAILABLE', 503],
  ])('store error %s is %s (%i)', (kind, code, status) => {
    const error = toApiError(
      new StoreError(kind, 'driver said: duplicate key value violates "unique_file_step"'),
    );
    expect(error.code).toBe(code);
    expect(statusOf(error.code)).toBe(status);
    expect(error.details).toEqual({ storeError: kind });
    expect(error.message).not.toContain('unique_file_step');
  });

  test('503s from the store ask the client to retry', () => {
    expect(toApiError(new StoreError('transient_conflict', 'deadlock')).headers).toEqual({
      'Retry-After': '1',
    });
    expect(toApiError(new StoreError('unique_violation', 'dup')).headers).toEqual({});
  });

  test.each([
    ['entity.parse.failed', 'INVALID_JSON'],
    ['entity.too.large', 'PAYLOAD_TOO_LARGE'],
    ['encoding.unsupported', 'UNSUPPORTED_MEDIA_TYPE'],
    ['charset.unsupported', 'UNSUPPORTED_MEDIA_TYPE'],
  ])("express.json's %s is %s", (type, code) => {
    const parserError = Object.assign(new Error('raw parser text'), { type, status: 400 });
    expect(toApiError(parserError).code).toBe(code);
  });

  test('an unknown fault is INTERNAL and reveals nothing of the original', () => {
    const fault = new TypeError("Cannot read properties of undefined (reading 'id') at /srv/app/src/x.ts:12");
    const error = toApiError(fault);
    expect(error.code).toBe('INTERNAL');
    expect(JSON.stringify(error.toBody())).not.toMatch(/properties|x\.ts|at \//);
    expect(toApiError('a string').code).toBe('INTERNAL');
  });

  test('an ApiError passes through unchanged', () => {
    const error = new ApiError('FORBIDDEN', 'no', { required: 'write' });
    expect(toApiError(error)).toBe(error);
  });
});
