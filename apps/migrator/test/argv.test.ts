import { describe, expect, it } from 'vitest';
import { parseArgv } from '../src/cli/argv.js';
import { DEFAULT_BATCH_SIZE } from '../src/cli/command.js';

const command = (args: string[]) => {
  const parsed = parseArgv(args);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.invocation.command;
};

const usageError = (args: string[]) => {
  const parsed = parseArgv(args);
  if (parsed.ok) throw new Error(`expected a usage error for ${args.join(' ')}`);
  return parsed.error.message;
};

describe('the command line', () => {
  it.each([
    [['schema', 'up'], { name: 'schema', action: 'up', to: null }],
    [['schema', 'down', '--to', 'InitialSchema1'], { name: 'schema', action: 'down', to: 'InitialSchema1' }],
    [
      ['logs-to-steps'],
      {
        name: 'logs-to-steps',
        fileId: null,
        batchSize: DEFAULT_BATCH_SIZE,
        concurrency: null,
        dryRun: false,
        all: false,
        restart: false,
      },
    ],
    [
      ['logs-to-steps', '--all', '--dry-run', '--batch-size', '250', '--concurrency', '3'],
      {
        name: 'logs-to-steps',
        fileId: null,
        batchSize: 250,
        concurrency: 3,
        dryRun: true,
        all: true,
        restart: false,
      },
    ],
    [
      ['logs-to-steps', '--file-id', '42'],
      {
        name: 'logs-to-steps',
        fileId: 42,
        batchSize: DEFAULT_BATCH_SIZE,
        concurrency: null,
        dryRun: false,
        all: false,
        restart: false,
      },
    ],
    [['verify'], { name: 'verify', fileId: null }],
    [['verify', '--all'], { name: 'verify', fileId: null }],
    [['verify', '--file-id=7'], { name: 'verify', fileId: 7 }],
    [
      ['prune', '--older-than', '90d', '--dry-run'],
      { name: 'prune', olderThan: { text: '90d', ms: 90 * 86_400_000 }, dryRun: true },
    ],
    [['--help'], { name: 'help', topic: null }],
    [['help', 'prune'], { name: 'help', topic: 'prune' }],
    [['verify', '-h'], { name: 'help', topic: 'verify' }],
  ])('%j parses', (args, expected) => {
    expect(command(args)).toEqual(expected);
  });

  it('global options may stand before the command and are kept', () => {
    const parsed = parseArgv(['--database-url', 'sqlite:x.db', '--json', 'verify']);
    expect(parsed).toMatchObject({
      ok: true,
      invocation: { json: true, databaseUrl: 'sqlite:x.db', command: { name: 'verify' } },
    });
  });

  it.each([
    [[], 'No command given; expected one of schema, logs-to-steps, verify, prune.'],
    [['migrate'], 'Unknown command "migrate"; expected one of schema, logs-to-steps, verify, prune.'],
    [
      ['verify', '--bogus'],
      'Unknown option --bogus. steptrail-migrate verify [--file-id N | --all] accepts --file-id, --all, --database-url, --json, --help.',
    ],
    [['verify', '--to', 'x'], 'verify does not take --to.'],
    [
      ['verify', '--file-id', '3', '--all'],
      'Give either --file-id N (one file) or --all (every file), not both.',
    ],
    [['verify', '--file-id', 'abc'], '--file-id "abc" is not a positive whole number (e.g. --file-id 42).'],
    [['verify', '--file-id', '0'], '--file-id "0" is not a positive whole number'],
    [['logs-to-steps', '--batch-size'], 'Option --batch-size needs a value (e.g. --batch-size 42).'],
    [
      ['logs-to-steps', '--batch-size', '20001'],
      '--batch-size 20001 is too large; use 1 to 20000 files per batch.',
    ],
    [['logs-to-steps', '--concurrency', '9'], '--concurrency 9 is too large; use 1 to 8 batches at once.'],
    [
      ['logs-to-steps', '--file-id', '4', '--concurrency', '2'],
      '--file-id rebuilds one file; --concurrency applies to whole-database runs. Give one or the other.',
    ],
    [
      ['logs-to-steps', '--file-id', '3', '--all'],
      '--file-id rebuilds one file; --all applies to whole-database runs.',
    ],
    [['logs-to-steps', '--dry-run=yes'], 'Option --dry-run takes no value; write --dry-run alone.'],
    [['schema'], 'schema needs an action: up, status or down.'],
    [['schema', 'sideways'], 'Unknown schema action "sideways"; expected up, status or down.'],
    [['schema', 'up', '--to', 'X'], '--to only applies to "schema down", not "schema up".'],
    [['schema', 'up', 'now'], 'Unexpected argument "now".'],
    [
      ['prune'],
      'prune needs --older-than DURATION, a whole number followed by s, m, h, d or w (e.g. 90d, 12h, 2w).',
    ],
    [
      ['prune', '--older-than', 'ninety days'],
      '--older-than "ninety days" is not a duration; use a whole number followed by s, m, h, d or w',
    ],
    [['prune', '--older-than', '0d'], '--older-than "0d" is not a duration'],
  ])('%j is a usage error that says what is allowed', (args, message) => {
    expect(usageError(args)).toContain(message);
  });

  it('a usage error remembers whether --json was asked for', () => {
    expect(parseArgv(['verify', '--json', '--nope'])).toMatchObject({ ok: false, json: true });
  });
});
