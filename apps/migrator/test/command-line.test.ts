import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../src/cli/command-line.js';
import { DEFAULT_BATCH_SIZE } from '../src/cli/command.js';
import { programName } from '../src/config.js';
import { PROGRAM, runCli } from './support/in-process-cli.js';

// Usage errors and help never open the database; a URL that cannot open proves it.
const NO_DATABASE = 'sqlite:/nonexistent/never-opened.db';

const command = (args: string[]) => {
  const parsed = parseCommandLine(args, PROGRAM);
  if (parsed.kind !== 'run')
    throw new Error(`expected a command for ${args.join(' ')}: ${JSON.stringify(parsed)}`);
  return parsed.invocation.command;
};

const logsToSteps = {
  name: 'logs-to-steps',
  fileId: null,
  batchSize: DEFAULT_BATCH_SIZE,
  concurrency: null,
  dryRun: false,
  all: false,
  restart: false,
};

describe('the command line', () => {
  it.each([
    [['schema', 'up'], { name: 'schema', action: 'up', to: null, yes: false }],
    [
      ['schema', 'down', '--to', 'InitialSchema1', '--yes'],
      { name: 'schema', action: 'down', to: 'InitialSchema1', yes: true },
    ],
    [['logs-to-steps'], logsToSteps],
    [
      ['logs-to-steps', '--all', '--dry-run', '--batch-size', '250', '--concurrency', '3'],
      { ...logsToSteps, batchSize: 250, concurrency: 3, dryRun: true, all: true },
    ],
    [['logs-to-steps', '--file-id', '42'], { ...logsToSteps, fileId: 42 }],
    [['verify'], { name: 'verify', fileId: null }],
    [['verify', '--all'], { name: 'verify', fileId: null }],
    [['verify', '--file-id=7'], { name: 'verify', fileId: 7 }],
    [
      ['prune', '--older-than', '90d', '--dry-run'],
      { name: 'prune', olderThan: { text: '90d', ms: 90 * 86_400_000 }, dryRun: true },
    ],
    // pnpm 10 passes the `--` of `pnpm migrate -- logs-to-steps --dry-run` on to the script.
    [['--', 'logs-to-steps', '--dry-run'], { ...logsToSteps, dryRun: true }],
  ])('%j parses', (args, expected) => {
    expect(command(args)).toEqual(expected);
  });

  it('the options of every command may stand before the command or after its own options', () => {
    for (const args of [
      ['--database-url', 'sqlite:x.db', '--json', 'verify'],
      ['verify', '--file-id', '3', '--json', '--database-url', 'sqlite:x.db'],
    ]) {
      const parsed = parseCommandLine(args, PROGRAM);
      expect(parsed).toMatchObject({ kind: 'run', invocation: { json: true, databaseUrl: 'sqlite:x.db' } });
    }
  });

  it.each([
    [[], 'No command given; expected one of schema, logs-to-steps, verify, reconcile, prune, help.'],
    [
      ['migrate'],
      'Unknown command "migrate"; expected one of schema, logs-to-steps, verify, reconcile, prune, help.',
    ],
    [['verfy'], 'Unknown command "verfy" (did you mean verify?)'],
    [
      ['verify', '--bogus'],
      'Unknown option --bogus. verify accepts --file-id <N>, --all, --database-url <URL>, --json, --help.',
    ],
    [['verify', '--to', 'x'], 'Unknown option --to. verify accepts'],
    [['verify', '--file-id', '3', '--all'], 'Option --file-id <N> cannot be used with option --all.'],
    [['verify', '--file-id', 'abc'], '--file-id "abc" is not a positive whole number (e.g. --file-id 42).'],
    [['verify', '--file-id', '0'], '--file-id "0" is not a positive whole number'],
    [['logs-to-steps', '--batch-size'], 'Option --batch-size needs a value: files per transaction.'],
    [['logs-to-steps', '--batch-size', '20001'], '--batch-size 20001 is too large; use 1 to 20000.'],
    [['logs-to-steps', '--concurrency', '9'], '--concurrency 9 is too large; use 1 to 8.'],
    [
      ['logs-to-steps', '--file-id', '4', '--concurrency', '2'],
      'Option --file-id <N> cannot be used with option --concurrency <N>.',
    ],
    [
      ['logs-to-steps', '--file-id', '3', '--restart'],
      'Option --file-id <N> cannot be used with option --restart.',
    ],
    [['logs-to-steps', '--dry-run=yes'], 'Option --dry-run takes no value; write --dry-run alone.'],
    [['schema'], 'schema needs one of status, up, down.'],
    [['schema', 'sideways'], 'Unknown command "sideways" for schema; expected one of status, up, down.'],
    [
      ['schema', 'up', '--to', 'X'],
      'Unknown option --to. schema up accepts --database-url <URL>, --json, --help.',
    ],
    [['schema', 'up', 'now'], 'Unexpected argument "now"; usage: schema up [options].'],
    [['schema', 'down', '--to', ''], '--to needs a migration name (see "schema status").'],
    [
      ['prune'],
      'prune needs --older-than DURATION: delete history older than this: a whole number followed by s, m, h, d or w (e.g. 90d, 12h, 2w).',
    ],
    [
      ['prune', '--older-than', 'ninety days'],
      '--older-than "ninety days" is not a duration; use a whole number',
    ],
    [['prune', '--older-than', '0d'], '--older-than "0d" is not a duration'],
    [['help', 'nope'], 'Allowed choices are schema, logs-to-steps, verify, reconcile, prune.'],
    [
      ['--bogus', 'verify'],
      'Unknown option --bogus. Before the command, the options are --database-url <URL>, --json',
    ],
  ])('%j exits 2 saying what was wrong and what is allowed', async (args, message) => {
    const run = await runCli(args, NO_DATABASE);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
  });

  it('a usage error points at the help of the command, in the form the user started the program with', async () => {
    const run = await runCli(['schema', 'down', '--to'], NO_DATABASE, {
      programName: 'npx -y pnpm@10.34.8 migrate --',
    });
    expect(run.stderr).toContain('See "npx -y pnpm@10.34.8 migrate -- schema down --help".');
  });

  it('with --json a usage error is also one JSON document on stdout', async () => {
    const run = await runCli(['verify', '--json', '--nope'], NO_DATABASE);
    expect(run.code).toBe(2);
    const { error } = run.json() as { error: { kind: string; message: string } };
    expect(error.kind).toBe('usage');
    expect(error.message).toContain('Unknown option --nope.');
  });

  it('help is generated from the definitions: every command, its options and the exit codes', async () => {
    const general = await runCli(['--help'], NO_DATABASE);
    expect(general.code).toBe(0);
    expect(general.stdout).toContain(`Usage: ${PROGRAM} [options] [command]`);
    for (const name of ['schema', 'logs-to-steps', 'verify', 'prune', 'help [command]', 'Exit codes: 0 ok']) {
      expect(general.stdout).toContain(name);
    }
    const prune = await runCli(['help', 'prune'], NO_DATABASE);
    expect(prune.stdout).toContain(`Usage: ${PROGRAM} prune [options]`);
    expect(prune.stdout).toMatch(/--older-than <DURATION>\s+delete history older than this/);
    const down = await runCli(['schema', 'down', '-h'], NO_DATABASE);
    expect(down.stdout).toMatch(/--yes\s+also when that drops tables that hold rows/);
    expect(down.stdout).toMatch(/--database-url <URL>/);
  });
});

describe('the name usage lines give the program', () => {
  const main = '/repo/apps/migrator/dist/main.js';
  it.each([
    [
      'the pnpm script',
      {
        npm_config_user_agent: 'pnpm/10.34.8 npm/? node/v20.20.2 linux x64',
        npm_lifecycle_event: 'migrate',
        npm_lifecycle_script: 'node apps/migrator/dist/main.js',
      },
      'npx -y pnpm@10.34.8 migrate --',
    ],
    [
      'another script whose child processes inherit its environment',
      {
        npm_config_user_agent: 'pnpm/10.34.8 npm/? node/v20.20.2 linux x64',
        npm_lifecycle_event: 'test',
        npm_lifecycle_script: 'turbo run build && vitest run',
      },
      'node apps/migrator/dist/main.js',
    ],
    ['node itself', {}, 'node apps/migrator/dist/main.js'],
  ])('%s', (_case, env, expected) => {
    expect(programName(main, '/repo', env)).toBe(expected);
  });

  it('names the file by its absolute path when it is outside the working directory', () => {
    expect(programName(main, '/elsewhere', {})).toBe(`node ${main}`);
  });
});
