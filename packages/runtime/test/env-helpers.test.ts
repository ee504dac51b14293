import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { configProblems, parseEnv } from '../src/env-config.js';
import { envFlag, envInteger, envJson, envList, envPath, envPort, envUrl } from '../src/env-helpers.js';

const schema = z.object({
  COUNT: envInteger(1, 10).default(3),
  PORT: envPort().default(3000),
  ON: envFlag().default(true),
  URL: envUrl(),
  LIST: envList(),
  DIR: envPath('/srv/app', './data'),
  MAP: envJson(z.record(z.string(), z.number())).default({}),
});

const problemsOf = (env: Record<string, string>): string[] => configProblems(() => parseEnv(schema, env));

describe('env helpers', () => {
  test('absent variables take their defaults', () => {
    expect(parseEnv(schema, {})).toEqual({
      COUNT: 3,
      PORT: 3000,
      ON: true,
      URL: null,
      LIST: [],
      DIR: '/srv/app/data',
      MAP: {},
    });
  });

  test('values are converted', () => {
    expect(
      parseEnv(schema, {
        COUNT: ' 7 ',
        PORT: '0',
        ON: '0',
        URL: 'http://127.0.0.1:11434/v1',
        LIST: ' a, ,b ',
        DIR: '/var/lib/x',
        MAP: '{"a":1}',
      }),
    ).toEqual({
      COUNT: 7,
      PORT: 0,
      ON: false,
      URL: 'http://127.0.0.1:11434/v1',
      LIST: ['a', 'b'],
      DIR: '/var/lib/x',
      MAP: { a: 1 },
    });
  });

  test('every wrong value is named with what is allowed', () => {
    const problems = problemsOf({
      COUNT: '1e3',
      PORT: '65536',
      ON: 'yes',
      URL: 'ftp://x',
      MAP: '{a:1}',
    });
    expect(problems).toEqual([
      'COUNT: must be a whole number from 1 to 10',
      expect.stringMatching(/^PORT: .*65535/),
      'ON: must be true, false, 1 or 0',
      'URL: must be an http:// or https:// URL',
      expect.stringMatching(/^MAP: not valid JSON/),
    ]);
  });
});
