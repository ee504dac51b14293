import { configProblems } from '@steptrail/runtime';
import { describe, expect, test } from 'vitest';
import { isLoopbackHost, parseApiConfig } from '../src/config.js';

const TOKENS = 'ops:admin:0123456789abcdef0123';

const problemsOf = (env: Record<string, string>): string[] =>
  configProblems(() => parseApiConfig(env, '/srv/steptrail'));

describe('API configuration', () => {
  test('defaults: SQLite under ./data, loopback on port 3000, no tokens, default workflow', () => {
    const config = parseApiConfig({}, '/srv/steptrail');
    expect(config).toMatchObject({
      database: { kind: 'sqlite', path: '/srv/steptrail/data/steptrail.db' },
      host: '127.0.0.1',
      port: 3000,
      storageDir: '/srv/steptrail/data/storage',
      maxUploadBytes: 100 * 1024 * 1024,
      tokens: [],
      logLevel: 'info',
    });
    expect(config.workflows.names()).toEqual(['default']);
  });

  test('values are read and converted', () => {
    const config = parseApiConfig(
      {
        DATABASE_URL: 'postgres://u:p@db:5432/steptrail',
        HOST: '0.0.0.0',
        PORT: '8080',
        STORAGE_DIR: '/var/lib/steptrail',
        MAX_UPLOAD_BYTES: '1048576',
        API_TOKENS: TOKENS,
        LOG_LEVEL: 'warn',
        WORKFLOWS: '{"short":["hash_file","extract_text"]}',
        DEFAULT_WORKFLOW: 'short',
      },
      '/srv/steptrail',
    );
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      storageDir: '/var/lib/steptrail',
      maxUploadBytes: 1048576,
      logLevel: 'warn',
    });
    expect(config.database).toMatchObject({
      kind: 'postgres',
      display: 'postgres://u:***@db:5432/steptrail',
    });
    expect(config.tokens.map((token) => token.name)).toEqual(['ops']);
    expect(config.workflows.resolve().ok && config.workflows.resolve()).toMatchObject({
      value: { name: 'short' },
    });
  });

  test('request and headers timeouts: 300 s and 60 s by default; headers may not outlast the request', () => {
    expect(parseApiConfig({}, '/srv').requestTimeouts).toEqual({ requestMs: 300_000, headersMs: 60_000 });
    expect(
      parseApiConfig({ REQUEST_TIMEOUT_MS: '4000', HEADERS_TIMEOUT_MS: '2000' }, '/srv').requestTimeouts,
    ).toEqual({ requestMs: 4000, headersMs: 2000 });
    expect(problemsOf({ REQUEST_TIMEOUT_MS: '2000', HEADERS_TIMEOUT_MS: '3000' })).toEqual([
      'HEADERS_TIMEOUT_MS: (3000) must not be longer than REQUEST_TIMEOUT_MS (2000)',
    ]);
    expect(problemsOf({ REQUEST_TIMEOUT_MS: '10' })).toEqual([
      expect.stringMatching(/^REQUEST_TIMEOUT_MS: .*1000/),
    ]);
  });

  test('every problem is listed at once', () => {
    const problems = problemsOf({
      DATABASE_URL: 'oracle://db',
      PORT: 'eighty',
      MAX_UPLOAD_BYTES: '0',
      LOG_LEVEL: 'loud',
      API_TOKENS: 'broken',
      WORKFLOWS: '{"x": "not a list"}',
      EVENTS_POLL_MS: '5',
    });
    const variables = problems.map((problem) => problem.split(':')[0]);
    expect(variables.sort()).toEqual([
      'API_TOKENS',
      'DATABASE_URL',
      'EVENTS_POLL_MS',
      'LOG_LEVEL',
      'MAX_UPLOAD_BYTES',
      'PORT',
      'WORKFLOWS.x',
    ]);
  });

  test('a workflow profile may be declared strict', () => {
    const config = parseApiConfig(
      { WORKFLOWS: '{"short":["hash_file"],"tight":{"steps":["hash_file","extract_text"],"strict":true}}' },
      '/srv/steptrail',
    );
    const tight = config.workflows.resolve('tight');
    expect(tight.ok && tight.value).toEqual({
      name: 'tight',
      steps: ['hash_file', 'extract_text'],
      strict: true,
    });
    const short = config.workflows.resolve('short');
    expect(short.ok && short.value).toEqual({ name: 'short', steps: ['hash_file'] });
  });

  test('a workflow the domain refuses is a configuration problem, reported with the others', () => {
    const problems = problemsOf({ WORKFLOWS: '{"bad":["upload_to_s3"]}', PORT: '-1' });
    expect(problems).toEqual([
      expect.stringMatching(/^PORT: /),
      expect.stringMatching(/^WORKFLOWS: Workflow "bad" lists "upload_to_s3"/),
    ]);
    expect(problemsOf({ DEFAULT_WORKFLOW: 'missing' })).toEqual([
      expect.stringMatching(/^WORKFLOWS: Default workflow "missing" is not defined/),
    ]);
  });

  test.each(['0.0.0.0', '::', '192.168.1.20', 'api.example.org', '[2001:db8::1]'])(
    'on HOST %s it refuses to start without tokens',
    (host) => {
      expect(problemsOf({ HOST: host })).toEqual([
        expect.stringMatching(/^API_TOKENS: is required when HOST .* is not a loopback address/),
      ]);
      expect(parseApiConfig({ HOST: host, API_TOKENS: TOKENS }, '/').tokens).toHaveLength(1);
    },
  );

  test('ALLOW_UNAUTHENTICATED=true is the explicit opt-out of tokens on a non-loopback HOST', () => {
    const config = parseApiConfig({ HOST: '0.0.0.0', ALLOW_UNAUTHENTICATED: 'true' }, '/');
    expect(config.tokens).toEqual([]);
    expect(config.allowUnauthenticated).toBe(true);
    expect(problemsOf({ HOST: '0.0.0.0', ALLOW_UNAUTHENTICATED: 'false' })).toEqual([
      expect.stringMatching(
        /^API_TOKENS: is required when HOST .* ALLOW_UNAUTHENTICATED=true starts without tokens/,
      ),
    ]);
  });

  test('the loopback rule is reported even when other variables are wrong too', () => {
    expect(
      problemsOf({ HOST: '0.0.0.0', PORT: 'x' })
        .map((problem) => problem.split(':')[0])
        .sort(),
    ).toEqual(['API_TOKENS', 'PORT']);
  });

  test.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])(
    '%s is loopback: tokens are optional',
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
      expect(parseApiConfig({ HOST: host }, '/').tokens).toEqual([]);
    },
  );
});
