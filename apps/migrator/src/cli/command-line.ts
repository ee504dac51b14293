import { CommanderError, type CommandUnknownOpts as CliCommand } from '@commander-js/extra-typings';
import type { Command, Invocation } from './command.js';
import { buildProgram, EVERY_COMMAND } from './program.js';
import { UsageError } from './usage-error.js';

export type ParsedCommandLine =
  | { kind: 'run'; invocation: Invocation }
  | { kind: 'help'; text: string }
  | {
      kind: 'usage-error';
      /** What was wrong, what is allowed, and which help page explains it. */
      message: string;
      /** Whether --json was among the arguments, to report the error in kind. */
      json: boolean;
    };

/**
 * Parses the arguments after `node main.js`. `name` is how the user started the program (`npx -y pnpm@10.34.8
 * migrate --`, `node apps/migrator/dist/main.js`), so that every usage line and hint can be pasted as it is.
 */
export function parseCommandLine(argv: readonly string[], name: string): ParsedCommandLine {
  // pnpm 10 hands a script the `--` that ends pnpm's own options (`pnpm migrate -- verify`). Before the command
  // it can mean nothing else, and commander would read everything after it as operands.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const json = args.includes('--json');
  let result: ParsedCommandLine | null = null;
  let helpText = '';
  let reached: CliCommand | null = null;
  const program = buildProgram(name, {
    run: (command: Command, common) => {
      result = { kind: 'run', invocation: { command, ...common } };
    },
    help: (text) => {
      helpText += text;
    },
    entered: (command) => {
      reached = command;
    },
  });
  try {
    program.parse(args, { from: 'user' });
  } catch (error) {
    const command = reached ?? program;
    if (error instanceof CommanderError && error.exitCode === 0) return { kind: 'help', text: helpText };
    if (error instanceof CommanderError || error instanceof UsageError) {
      const message = error instanceof UsageError ? error.message : explain(error, command, program);
      return { kind: 'usage-error', message: `${message}\n${seeHelp(name, command)}`, json };
    }
    throw error;
  }
  return result ?? { kind: 'help', text: helpText };
}

/** Points at the help page of the command the problem is with. */
export function seeHelp(name: string, command: CliCommand | string | null): string {
  const path = typeof command === 'string' ? command : command === null ? '' : commandPath(command);
  // The help command's own problems (an unknown topic) are explained by the general help.
  if (path === 'help') return seeHelp(name, null);
  return `See "${[name, path, '--help'].filter((part) => part !== '').join(' ')}".`;
}

/** Commander's diagnosis, reworded to say what was wrong and what the command accepts instead. */
function explain(error: CommanderError, command: CliCommand, program: CliCommand): string {
  const text = error.message.replace(/^error: /, '').replace(/\n\(Did you mean (.+)\?\)$/, '');
  const suggestion = /\(Did you mean (.+)\?\)/.exec(error.message)?.[1];
  const didYouMean = suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
  const quoted = /'([^']*)'/.exec(text)?.[1] ?? '';
  switch (error.code) {
    case 'commander.unknownOption':
      return unknownOption(quoted, command) ?? `Unknown option ${quoted}${didYouMean}. ${accepted(command)}`;
    case 'commander.unknownCommand':
      return `Unknown command "${quoted}"${didYouMean}${forCommand(command)}; expected one of ${subcommands(command)}.`;
    case 'commander.help':
      // Help on stderr: a command that only groups others was given none of them.
      return command === program
        ? `No command given; expected one of ${subcommands(command)}.`
        : `${commandPath(command)} needs one of ${subcommands(command)}.`;
    case 'commander.missingMandatoryOptionValue': {
      const option = command.options.find((candidate) => candidate.flags === quoted);
      const value = /<([^>]+)>/.exec(quoted)?.[1] ?? 'VALUE';
      return option === undefined
        ? sentence(text)
        : `${commandPath(command)} needs ${option.long ?? quoted} ${value}: ${option.description}.`;
    }
    case 'commander.optionMissingArgument': {
      const option = command.options.find((candidate) => candidate.flags === quoted);
      return `Option ${option?.long ?? quoted} needs a value: ${option?.description ?? quoted}.`;
    }
    case 'commander.excessArguments': {
      const extra = command.args.slice(command.registeredArguments.length);
      return `Unexpected argument "${extra.join(' ')}"; ${usage(command)}.`;
    }
    default:
      return sentence(text);
  }
}

/** `--dry-run=yes` on a flag is an unknown option to commander; say what is actually wrong with it. */
function unknownOption(written: string, command: CliCommand): string | null {
  const [flag = '', value] = written.split('=', 2);
  const option = command.options.find((candidate) => candidate.long === flag);
  if (option === undefined || value === undefined || option.required || option.optional) return null;
  return `Option ${flag} takes no value; write ${flag} alone.`;
}

function accepted(command: CliCommand): string {
  // The command's own options first, then those of every command.
  const own = command.options.filter((option) => option.helpGroupHeading !== EVERY_COMMAND);
  const common = command.options.filter((option) => option.helpGroupHeading === EVERY_COMMAND);
  const options = [...own, ...common].map((option) => {
    const value = /[<[][^>\]]+[>\]]/.exec(option.flags)?.[0];
    return value === undefined ? (option.long ?? option.flags) : `${option.long ?? ''} ${value}`;
  });
  const who =
    command.parent === null ? 'Before the command, the options are' : `${commandPath(command)} accepts`;
  return `${who} ${[...options, '--help'].join(', ')}.`;
}

function usage(command: CliCommand): string {
  return `usage: ${commandPath(command)} ${command.usage()}`.replace(/ +$/, '');
}

function subcommands(command: CliCommand): string {
  return command.commands.map((subcommand) => subcommand.name()).join(', ');
}

function forCommand(command: CliCommand): string {
  return command.parent === null ? '' : ` for ${commandPath(command)}`;
}

/** The command's words after the program name, e.g. "schema down". */
function commandPath(command: CliCommand): string {
  const names: string[] = [];
  for (let current: CliCommand | null = command; current?.parent != null; current = current.parent) {
    names.unshift(current.name());
  }
  return names.join(' ');
}

function sentence(text: string): string {
  const trimmed = text.trim().replace(/'([^']*)'/g, '$1');
  const capitalised = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
