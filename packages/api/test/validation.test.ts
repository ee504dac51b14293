import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { eventBody } from '@steptrail/api-schema/step.schemas.js';
import { parseParts, validationError } from '../src/http/routing/validation.js';
import { decodeLogCursor, encodeLogCursor } from '../src/http/serialize.js';

const problemsFor = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('accepted');
};

describe('request validation', () => {
  test('problems of every part are collected into one error', () => {
    const error = problemsFor(() =>
      parseParts(
        { params: z.strictObject({ id: z.string().regex(/^\d+$/) }), body: eventBody },
        { params: { id: 'x' }, body: { status: 'nope', extra: 1, other: 2 }, query: {}, headers: {} },
      ),
    );
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: {
        problems: [
          { path: 'params.id', code: 'invalid_format' },
          { path: 'body.stepName', code: 'invalid_type' },
          { path: 'body.status', code: 'UNKNOWN_STATUS' },
          { path: 'body.extra', code: 'unrecognized_key' },
          { path: 'body.other', code: 'unrecognized_key' },
        ],
      },
    });
  });

  test('the error carries a domain code only when that one rule refused everything', () => {
    expect(validationError([{ path: 'body.status', code: 'UNKNOWN_STATUS', message: 'm' }]).code).toBe(
      'UNKNOWN_STATUS',
    );
    expect(
      validationError([
        { path: 'body.a', code: 'UNKNOWN_STATUS', message: 'm' },
        { path: 'body.b', code: 'UNKNOWN_STATUS', message: 'm' },
      ]).code,
    ).toBe('UNKNOWN_STATUS');
    expect(
      validationError([
        { path: 'body.status', code: 'UNKNOWN_STATUS', message: 'm' },
        { path: 'body.x', code: 'invalid_type', message: 'm' },
      ]).code,
    ).toBe('VALIDATION_FAILED');
    expect(validationError([{ path: 'body.x', code: 'invalid_type', message: 'm' }]).code).toBe(
      'VALIDATION_FAILED',
    );
  });

  test('event times need an offset and become dates', () => {
    const parsed = eventBody.parse({
      stepName: 'hash_file',
      status: 'success',
      occurredAt: '2026-01-01T12:00:00+02:00',
    });
    expect(parsed.occurredAt?.toISOString()).toBe('2026-01-01T10:00:00.000Z');
    expect(
      eventBody.safeParse({ stepName: 'hash_file', status: 'success', occurredAt: 'yesterday' }).success,
    ).toBe(false);
  });
});

describe('log page cursors', () => {
  test('round-trip a position', () => {
    const position = { occurredAt: new Date('2026-03-04T05:06:07.089Z'), id: 12345 };
    expect(decodeLogCursor(encodeLogCursor(position))).toEqual(position);
  });

  test.each([
    '',
    'garbage',
    Buffer.from('2026-03-04T05:06:07.089Z').toString('base64url'),
    Buffer.from('not a date|5').toString('base64url'),
    Buffer.from('2026-03-04T05:06:07.089Z|5|6').toString('base64url'),
  ])('refuse %j', (cursor) => {
    expect(decodeLogCursor(cursor)).toBeNull();
  });
});
