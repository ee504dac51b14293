import {
  Argument,
  Command as CliCommand,
  Option,
  type CommandUnknownOpts,
  type OptionValues,
} from '@commander-js/extra-typings';
import { DEFAULT_DATABASE_URL } from '@steptrail/runtime';
import {
  COMMAND_NAMES,
  DEFAULT_BATCH_SIZE,
  MAX_BATCH_SIZE,
  MAX_CONCURRENCY,
  type Command,
} from './command.js';
import { COMMAND_TEXTS, EXIT_CODES_TEXT, PROGRAM_SUMMARY } from './command-texts.js';
import { DURATION_FORMS, parseDuration } from './duration.js';
import { UsageError } from './usage-error.js';

/** Where the parsed command line goes: the actions below only translate commander's values into a Command. */
export interface ProgramSink {
  run(command: Command, common: { json: boolean; databaseUrl: string | null }): void;
  /** Help asked for (--help or the help command); errors are thrown, not written. */
  help(text: string): void;
  /** The command line reached this command, so its problems are explained in its terms. */
  entered(command: CommandUnknownOpts): void;
}

export const EVERY_COMMAND = 'Options of every command:';

/**
 * The whole command line, declared once: commander parses it, rejects what is not declared, and writes every help
 * text from these same definitions. `name` is how the user started the program (it heads usage lines).
 */
export function buildProgram(name: string, sink: ProgramSink): CommandUnknownOpts {
  const program = new CliCommand(name)
    .description(PROGRAM_SUMMARY)
    .helpCommand(false)
    // Settings every subcommand inherits, so they are made before any is added.
    .exitOverride()
    .configureOutput({ writeOut: (text) => sink.help(text), writeErr: () => {}, outputError: () => {} })
    .showSuggestionAfterError(true)
    .addHelpText('after', `\n${EXIT_CODES_TEXT}`)
    .hook('preSubcommand', (_program, command) => sink.entered(command));
  const run = (command: Command, cli: { optsWithGlobals(): OptionValues }) => {
    const { json, databaseUrl } = cli.optsWithGlobals();
    sink.run(command, {
      json: json === true,
      databaseUrl: typeof databaseUrl === 'string' ? databaseUrl : null,
    });
  };
  const schema = program
    .command('schema')
    .summary(COMMAND_TEXTS.schema.summary)
    .description(COMMAND_TEXTS.schema.description)
    .helpCommand(false)
    .hook('preSubcommand', (_schema, command) => sink.entered(command));
  const leaves: CommandUnknownOpts[] = [
    ...(['status', 'up'] as const).map((action) =>
      schema
        .command(action)
        .description(COMMAND_TEXTS.schema[action])
        .action((_options, cli) => run({ name: 'schema', action, to: null, yes: false }, cli)),
    ),
    schema
      .command('down')
      .description(COMMAND_TEXTS.schema.down)
      .addOption(
        new Option('--to <NAME>', 'revert every migration applied after NAME (it stays applied)').argParser(
          migrationName,
        ),
      )
      .option('--yes', 'also when that drops tables that hold rows')
      .action(({ to, yes }, cli) =>
        run({ name: 'schema', action: 'down', to: to ?? null, yes: yes === true }, cli),
      ),
    logsToSteps(program.command('logs-to-steps'), run),
    program
      .command('verify')
      .summary(COMMAND_TEXTS.verify.summary)
      .description(COMMAND_TEXTS.verify.description)
      .addOption(wholeNumberOption('--file-id <N>', 'check this file only').conflicts('all'))
      .option('--all', 'check every file (what verify does without --file-id)')
      .action(({ fileId }, cli) => run({ name: 'verify', fileId: fileId ?? null }, cli)),
    program
      .command('reconcile')
      .summary(COMMAND_TEXTS.reconcile.summary)
      .description(COMMAND_TEXTS.reconcile.description)
      .action((_options, cli) => run({ name: 'reconcile' }, cli)),
    program
      .command('prune')
      .summary(COMMAND_TEXTS.prune.summary)
      .description(COMMAND_TEXTS.prune.description)
      .addOption(
        new Option('--older-than <DURATION>', `delete history older than this: ${DURATION_FORMS}`)
          .argParser(duration)
          .makeOptionMandatory(),
      )
      .option('--dry-run', 'count what would be deleted and kept; delete nothing')
      .action(({ olderThan, dryRun }, cli) =>
        run({ name: 'prune', olderThan, dryRun: dryRun === true }, cli),
      ),
  ];
  program
    .command('help')
    .summary('explain a command')
    .addArgument(new Argument('[command]', 'the command to explain').choices(COMMAND_NAMES))
    .action((topic) => {
      const target = program.commands.find((command) => command.name() === topic) ?? program;
      sink.help(target.helpInformation());
    });
  // Accepted before the command and after it, so every command that runs declares them too.
  for (const command of [program, schema, ...leaves]) addCommonOptions(command);
  return program;
}

type Run = (command: Command, cli: { optsWithGlobals(): OptionValues }) => void;

function logsToSteps(command: CliCommand, run: Run): CommandUnknownOpts {
  return command
    .summary(COMMAND_TEXTS['logs-to-steps'].summary)
    .description(COMMAND_TEXTS['logs-to-steps'].description)
    .addOption(
      wholeNumberOption('--file-id <N>', 'rebuild this file only (always re-derived, like --all)').conflicts([
        'all',
        'restart',
        'batchSize',
        'concurrency',
      ]),
    )
    .addOption(
      wholeNumberOption('--batch-size <N>', 'files per transaction', MAX_BATCH_SIZE).default(
        DEFAULT_BATCH_SIZE,
      ),
    )
    .addOption(
      wholeNumberOption(
        '--concurrency <N>',
        'batches at once on PostgreSQL and MariaDB (default 2; SQLite: 1)',
        MAX_CONCURRENCY,
      ),
    )
    .option('--dry-run', 'report what a run would change; change nothing')
    .option('--all', 're-derive every file, not only files without step rows (repair)')
    .option('--restart', 'forget the progress of an interrupted run and start from the first file')
    .action((options, cli) =>
      run(
        {
          name: 'logs-to-steps',
          fileId: options.fileId ?? null,
          batchSize: options.batchSize,
          concurrency: options.concurrency ?? null,
          dryRun: options.dryRun === true,
          all: options.all === true,
          restart: options.restart === true,
        },
        cli,
      ),
    );
}

function addCommonOptions(command: CommandUnknownOpts): void {
  command
    .addOption(
      new Option(
        '--database-url <URL>',
        `the database (default: $DATABASE_URL, else ${DEFAULT_DATABASE_URL}): sqlite:path.db, ` +
          'postgres://user:pass@host:5432/db or mysql://user:pass@host:3306/db',
      ).helpGroup(EVERY_COMMAND),
    )
    .addOption(
      new Option('--json', 'one JSON document on stdout (progress as JSON lines on stderr)').helpGroup(
        EVERY_COMMAND,
      ),
    )
    .addHelpOption(new Option('-h, --help', 'explain the command').helpGroup(EVERY_COMMAND));
}

/** An option whose value is a whole number from 1 to `max`; a wrong value names the option and the range. */
function wholeNumberOption<Flags extends string>(
  flags: Flags,
  description: string,
  max = Number.MAX_SAFE_INTEGER,
) {
  const option = new Option(flags, description);
  const name = option.long ?? flags;
  return option.argParser((raw: string): number => {
    const value = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < 1)
      throw new UsageError(`${name} "${raw}" is not a positive whole number (e.g. ${name} 42).`);
    if (value > max) throw new UsageError(`${name} ${value} is too large; use 1 to ${max}.`);
    return value;
  });
}

function duration(text: string) {
  const parsed = parseDuration(text);
  if (parsed === null)
    throw new UsageError(`--older-than "${text}" is not a duration; use ${DURATION_FORMS}.`);
  return parsed;
}

function migrationName(text: string): string {
  if (text.trim() === '') throw new UsageError('--to needs a migration name (see "schema status").');
  return text;
}
