import { describe, expect, test } from 'vitest';
import { ConfigError } from '../src/env-config.js';
import { StartupProblem, cannotOpenDatabase, describeError, explainStartupFailure } from '../src/startup.js';

const listenError = (code: string) =>
  Object.assign(new Error(`listen ${code}`), { code, syscall: 'listen', address: '127.0.0.1', port: 3000 });

describe('explainStartupFailure', () => {
  test('what the configuration can fix exits 2 with what to change', () => {
    expect(explainStartupFailure('steptrail-api', listenError('EADDRINUSE'))).toEqual({
      message:
        'steptrail-api cannot start: 127.0.0.1:3000 is already in use by another process. Stop that process, or set PORT to a free port (0 picks one).',
      exitCode: 2,
    });
    expect(explainStartupFailure('x', listenError('EADDRNOTAVAIL')).message).toContain('Set HOST');
    expect(explainStartupFailure('x', new ConfigError(['PORT: bad']))).toEqual({
      message: 'Invalid configuration:\n  - PORT: bad',
      exitCode: 2,
    });
    const database = cannotOpenDatabase(
      { kind: 'postgres', url: 'postgres://u:p@db/x', display: 'postgres://u:***@db/x' },
      new Error('connect ECONNREFUSED'),
    );
    expect(explainStartupFailure('x', database)).toEqual({
      message:
        'x cannot start: Cannot open postgres://u:***@db/x: connect ECONNREFUSED. Check DATABASE_URL and that the server runs and accepts these credentials.',
      exitCode: 2,
    });
  });

  test('anything else exits 1 with its message and causes on one line, never a stack', () => {
    const failure = explainStartupFailure('x', new Error('outer', { cause: new TypeError('inner') }));
    expect(failure).toEqual({
      message: 'x failed to start: Error: outer <- caused by TypeError: inner',
      exitCode: 1,
    });
    expect(describeError(new StartupProblem('same', { cause: 'same' }))).toBe('StartupProblem: same');
  });
});
