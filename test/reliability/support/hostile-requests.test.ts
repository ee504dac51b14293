import { brotliCompressSync, gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { mayChangeProtected, type HostileRequest } from './hostile-requests.js';

const PROTECTED = new Set([3, 4]);

const post = (target: string, body: unknown, encoding?: 'gzip' | 'br'): HostileRequest => {
  const json = Buffer.from(JSON.stringify(body));
  const bytes = encoding === 'gzip' ? gzipSync(json) : encoding === 'br' ? brotliCompressSync(json) : json;
  return {
    operation: `POST ${target}`,
    method: 'POST',
    target,
    headers: [
      ['Content-Type', 'application/json'],
      ...(encoding === undefined ? [] : [['Content-Encoding', encoding] as const]),
    ],
    body: bytes,
    chunked: false,
  };
};

// The hostile-input suite sends no request that, if valid, may change a protected record; these are the ways one
// could (test/reliability/hostile-input.rel.test.ts).
describe('mayChangeProtected', () => {
  test('a protected id in the path, however written, and not another', () => {
    // '/api/files/4#': found by seed 505, a fragment ends the path the router reads.
    for (const target of [
      '/api/files/3',
      '/api/files/03/',
      '/api/files/%33?x=1',
      '/api/files/4#',
      '/api/files/4/retry',
    ])
      expect(mayChangeProtected({ ...post(target, {}), method: 'DELETE' }, PROTECTED), target).toBe(true);
    expect(mayChangeProtected(post('/api/files/7/events', {}), PROTECTED)).toBe(false);
  });

  test('a protected id in an id field of the body, plain or compressed', () => {
    const events = { events: [{ fileId: 7 }, { fileId: '3', stepName: 'x' }] };
    expect(mayChangeProtected(post('/api/events', events), PROTECTED)).toBe(true);
    expect(mayChangeProtected(post('/api/events', events, 'gzip'), PROTECTED)).toBe(true);
    expect(mayChangeProtected(post('/api/events', events, 'br'), PROTECTED)).toBe(true);
    expect(mayChangeProtected(post('/api/events', { events: [{ fileId: 7 }] }, 'gzip'), PROTECTED)).toBe(
      false,
    );
    expect(mayChangeProtected(post('/api/files/7', { duplicateOfId: 4 }), PROTECTED)).toBe(true);
  });

  test('a bulk operation whose filter is not narrowed to ids, unless it is a dry run', () => {
    expect(mayChangeProtected(post('/api/deletions', { filter: { q: 'plain' } }), PROTECTED)).toBe(true);
    expect(
      mayChangeProtected(post('/api/retries', { filter: { status: ['failed'] } }, 'gzip'), PROTECTED),
    ).toBe(true);
    expect(mayChangeProtected(post('/api/deletions', { filter: { q: 'x' }, dryRun: true }), PROTECTED)).toBe(
      false,
    );
    expect(mayChangeProtected(post('/api/deletions', { filter: { ids: [7, 8], q: 'x' } }), PROTECTED)).toBe(
      false,
    );
    expect(mayChangeProtected(post('/api/deletions', { filter: { ids: [7, 3] } }), PROTECTED)).toBe(true);
  });

  test('a body that does not decode cannot be a valid write', () => {
    const corrupt: HostileRequest = {
      ...post('/api/events', {}),
      headers: [['Content-Encoding', 'gzip']],
      body: Buffer.from('{"events":[{"fileId":3}]}'),
    };
    expect(mayChangeProtected(corrupt, PROTECTED)).toBe(false);
  });
});
