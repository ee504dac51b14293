import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseEnv } from '../src/database-config.js';
import { ConfigError, parseEnv } from '../src/env-config.js';

const cwd = mkdtempSync(join(tmpdir(), 'steptrail-config-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const parse = (url: string | undefined) => parseEnv(databaseEnv(cwd), { DATABASE_URL: url }).DATABASE_URL;
const problems = (url: string) => {
  try {
    parse(url);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error(`${url} was accepted`);
};

describe('the DATABASE_URL every app reads', () => {
  it('defaults to ./data/steptrail.db, whose folder need not exist yet (it is created on first open)', () => {
    expect(parse(undefined)).toEqual({
      kind: 'sqlite',
      path: join(cwd, 'data', 'steptrail.db'),
      display: `sqlite:${join(cwd, 'data', 'steptrail.db')}`,
    });
    expect(parse('sqlite:data/other.db')).toMatchObject({ path: join(cwd, 'data', 'other.db') });
  });

  it('accepts a SQLite file in a folder that exists', () => {
    expect(parse(`sqlite:${join(cwd, 'steptrail.db')}`)).toMatchObject({ kind: 'sqlite' });
  });

  it('refuses a SQLite path whose folder does not exist, naming the folder', () => {
    const folder = join(cwd, 'typo');
    expect(problems(`sqlite:${folder}/steptrail.db`)).toEqual([
      `DATABASE_URL: the folder ${folder} of sqlite:${folder}/steptrail.db does not exist; create it first, ` +
        'or give a path in an existing folder (only the default sqlite:./data/steptrail.db creates its folder).',
    ]);
  });

  it('refuses a SQLite path below a file', () => {
    const file = join(cwd, 'plain-file');
    writeFileSync(file, '');
    expect(problems(`sqlite:${file}/steptrail.db`)[0]).toContain(`the folder ${file} of`);
    expect(problems(`sqlite:${file}/steptrail.db`)[0]).toContain('is not a folder');
  });

  it('leaves server URLs to the server', () => {
    expect(parse('postgres://u:p@db:5432/app')).toMatchObject({ kind: 'postgres' });
  });
});
