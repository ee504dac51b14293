import { SteptrailApiError, SteptrailClient, SteptrailNetworkError } from '@steptrail/client';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { downloadCommand, WouldOverwrite } from './commands/download.command.js';
import { filesCommand } from './commands/files.command.js';
import { logsCommand } from './commands/logs.command.js';
import { retryCommand } from './commands/retry.command.js';
import { showCommand } from './commands/show.command.js';
import { watchCommand } from './commands/watch.command.js';
import { connection, DEFAULT_URL } from './config.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import type { Io } from './io.js';

interface Common {
  url?: string;
  token?: string;
  json?: boolean;
}

const fileId = (value: string): number => {
  if (!/^[1-9]\d{0,9}$/.test(value)) throw new InvalidArgumentError('a file id is a whole number from 1');
  return Number(value);
};

/** Runs one command line; resolves to the exit code and never throws. */
export async function runCli(
  argv: readonly string[],
  io: Io,
  env?: Readonly<Record<string, string | undefined>>,
): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  const clients: SteptrailClient[] = [];
  const run =
    <A extends unknown[]>(action: (client: SteptrailClient, ...args: [...A, Common]) => Promise<void>) =>
    async (...args: [...A, Common]) => {
      // Commander calls an action with the arguments, the options, then the command itself.
      const common = args.at(-2) as Common;
      const client = new SteptrailClient({
        ...connection({ url: common.url, token: common.token }, env),
        retry: { attempts: 3, baseDelayMs: 200, maxDelayMs: 1000 },
        timeoutMs: 15_000,
      });
      clients.push(client);
      await action(client, ...args);
    };

  const program = new Command('steptrail')
    .description('Files, steps and history of a steptrail API, and its live stream.')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .showHelpAfterError('(steptrail --help lists the commands)');

  const command = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .addOption(new Option('--url <url>', `the API (env STEPTRAIL_URL, default ${DEFAULT_URL})`))
      .addOption(new Option('--token <token>', 'a bearer token of API_TOKENS (env STEPTRAIL_TOKEN)'))
      .option('--json', 'JSON for scripts instead of tables', false);

  command('files', 'the newest files and the count per status')
    .option(
      '--status <statuses>',
      'only these overall statuses, comma-separated (pending, processing, completed, failed, duplicate)',
    )
    .option('--q <text>', 'only files whose name contains this text')
    .option('--limit <n>', 'how many files (1-500)', '50')
    .action(
      run((client, options: Common & { status?: string; q?: string; limit?: string }) =>
        filesCommand(client, { ...options, json: options.json === true }, io),
      ),
    );
  command('show', "a file's status and its steps with durations")
    .argument('<id>', 'file id', fileId)
    .action(run((client, id: number, options: Common) => showCommand(client, id, options.json === true, io)));
  command('logs', "a file's history, oldest first")
    .argument('<id>', 'file id', fileId)
    .option('-f, --follow', 'keep printing new rows as they happen (Ctrl-C stops)', false)
    .action(
      run((client, id: number, options: Common & { follow?: boolean }) =>
        logsCommand(client, id, { follow: options.follow === true, json: options.json === true }, io),
      ),
    );
  command('retry', "re-queue a file's failed steps")
    .argument('<id>', 'file id', fileId)
    .option('--step <name...>', 'only these failed steps')
    .action(
      run((client, id: number, options: Common & { step?: string[] }) =>
        retryCommand(
          client,
          id,
          { ...(options.step ? { step: options.step } : {}), json: options.json === true },
          io,
        ),
      ),
    );
  command('download', "save a file's original (as uploaded) or, with --processed, its processed document")
    .argument('<id>', 'file id', fileId)
    .option('--processed', 'the document the pipeline stored instead of the original', false)
    .option('-o, --output <path>', 'where to save it (default: the offered name, here); - for stdout')
    .option('--force', 'replace a file that already exists', false)
    .action(
      run((client, id: number, options: Common & { processed?: boolean; output?: string; force?: boolean }) =>
        downloadCommand(
          client,
          id,
          {
            kind: options.processed === true ? 'processed' : 'original',
            ...(options.output === undefined ? {} : { output: options.output }),
            force: options.force === true,
            json: options.json === true,
          },
          io,
        ),
      ),
    );
  command('watch', 'every step and status change as it happens (Ctrl-C stops)').action(
    run((client, options: Common) => watchCommand(client, options.json === true, io)),
  );

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    code = exitCodeOf(error, io);
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
  return code;
}

function exitCodeOf(error: unknown, io: Io): ExitCode {
  if (error instanceof CommanderError) {
    // --help and --version end through here too, with exit code 0.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof SteptrailApiError) {
    io.err(`steptrail: ${error.message} (${error.status} ${error.code})\n`);
    for (const problem of problems(error.details)) {
      if (!error.message.includes(problem)) io.err(`  ${problem}\n`);
    }
    return EXIT.failure;
  }
  if (error instanceof WouldOverwrite) {
    io.err(`steptrail: ${error.message}\n`);
    return EXIT.failure;
  }
  if (error instanceof SteptrailNetworkError) {
    io.err(`steptrail: ${error.message}. Is it running? Set --url or STEPTRAIL_URL.\n`);
    return EXIT.usage;
  }
  io.err(`steptrail: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.usage;
}

function problems(details: Record<string, unknown> | undefined): string[] {
  const list = details?.['problems'];
  if (!Array.isArray(list)) return [];
  return list.map(
    (problem: { path?: string; message?: string }) => `${problem.path ?? ''}: ${problem.message ?? ''}`,
  );
}
