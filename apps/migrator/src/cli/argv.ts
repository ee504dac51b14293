import { parseArgs } from 'node:util';
import {
  COMMAND_NAMES,
  DEFAULT_BATCH_SIZE,
  MAX_BATCH_SIZE,
  MAX_CONCURRENCY,
  type Command,
  type CommandName,
  type Invocation,
} from './command.js';
import { DURATION_FORMS, parseDuration } from './duration.js';
import { commandUsage } from './help.js';
import { UsageError } from './usage-error.js';

const OPTIONS = {
  'database-url': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  to: { type: 'string' },
  'file-id': { type: 'string' },
  'batch-size': { type: 'string' },
  concurrency: { type: 'string' },
  'dry-run': { type: 'boolean' },
  all: { type: 'boolean' },
  restart: { type: 'boolean' },
  'older-than': { type: 'string' },
} as const;

type OptionName = keyof typeof OPTIONS;
type Values = Partial<Record<OptionName, string | boolean>>;

const GLOBAL_OPTIONS: readonly OptionName[] = ['database-url', 'json', 'help'];
const COMMAND_OPTIONS: Record<CommandName, readonly OptionName[]> = {
  schema: ['to'],
  'logs-to-steps': ['file-id', 'batch-size', 'concurrency', 'dry-run', 'all', 'restart'],
  verify: ['file-id', 'all'],
  prune: ['older-than', 'dry-run'],
};

export type ParsedArgv =
  | { ok: true; invocation: Invocation }
  | {
      ok: false;
      error: UsageError;
      /** Whether --json was among the arguments, to report the error in kind. */ json: boolean;
    };

/** Parses the arguments after `node main.js`; unknown commands, flags and values are usage errors. */
export function parseArgv(args: readonly string[]): ParsedArgv {
  try {
    return { ok: true, invocation: parse(args) };
  } catch (error) {
    if (error instanceof UsageError) return { ok: false, error, json: args.includes('--json') };
    throw error;
  }
}

function parse(args: readonly string[]): Invocation {
  const { values, positionals } = tokenize(args);
  const [name, ...rest] = positionals;
  const common = {
    json: values.json === true,
    databaseUrl: typeof values['database-url'] === 'string' ? values['database-url'] : null,
  };
  if (name === undefined || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic !== undefined && !isCommandName(topic)) throw unknownCommand(topic);
    if (name === undefined && values.help !== true) {
      throw new UsageError(`No command given; expected one of ${COMMAND_NAMES.join(', ')}.`);
    }
    return { ...common, command: { name: 'help', topic: topic ?? null } };
  }
  if (!isCommandName(name)) throw unknownCommand(name);
  if (values.help === true) return { ...common, command: { name: 'help', topic: name } };
  rejectForeignOptions(name, values);
  return { ...common, command: commandOf(name, rest, values) };
}

function tokenize(args: readonly string[]): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: OPTIONS,
      strict: true,
      allowPositionals: true,
    });
    return { values, positionals };
  } catch (error) {
    throw new UsageError(explainParseError(error, guessCommand(args)), guessCommand(args));
  }
}

function explainParseError(error: unknown, command: CommandName | null): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : null;
  const option = /'(-[^' ]+)/.exec(message)?.[1] ?? 'an option';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return `Unknown option ${option}. ${allowedOptions(command)}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = option.replace(/^-+/, '');
    const takesValue = name in OPTIONS && OPTIONS[name as OptionName].type === 'string';
    return takesValue
      ? `Option ${option} needs a value (e.g. ${option} ${exampleValue(name)}).`
      : `Option ${option} takes no value; write ${option} alone.`;
  }
  return message;
}

function exampleValue(option: string): string {
  switch (option) {
    case 'older-than':
      return '90d';
    case 'database-url':
      return 'postgres://user:pass@host:5432/db';
    case 'to':
      return 'InitialSchema1764300000000';
    default:
      return '42';
  }
}

function allowedOptions(command: CommandName | null): string {
  if (command === null)
    return `Options: ${GLOBAL_OPTIONS.map((name) => `--${name}`).join(', ')} and each command's own (see --help).`;
  const own = COMMAND_OPTIONS[command].map((name) => `--${name}`);
  return `${commandUsage(command)} accepts ${[...own, ...GLOBAL_OPTIONS.map((name) => `--${name}`)].join(', ')}.`;
}

/** The command named on a line that did not parse, for a more precise error message. */
function guessCommand(args: readonly string[]): CommandName | null {
  return args.find((arg): arg is CommandName => isCommandName(arg)) ?? null;
}

const isCommandName = (value: string): value is CommandName =>
  (COMMAND_NAMES as readonly string[]).includes(value);

const unknownCommand = (name: string) =>
  new UsageError(`Unknown command "${name}"; expected one of ${COMMAND_NAMES.join(', ')}.`);

function rejectForeignOptions(command: CommandName, values: Values): void {
  const allowed = new Set<OptionName>([...GLOBAL_OPTIONS, ...COMMAND_OPTIONS[command]]);
  for (const name of Object.keys(values) as OptionName[]) {
    if (!allowed.has(name))
      throw new UsageError(`${command} does not take --${name}. ${allowedOptions(command)}`, command);
  }
}

function commandOf(name: CommandName, rest: readonly string[], values: Values): Command {
  switch (name) {
    case 'schema':
      return schemaCommand(rest, values);
    case 'logs-to-steps':
      return logsToStepsCommand(rest, values);
    case 'verify':
      return verifyCommand(rest, values);
    case 'prune':
      return pruneCommand(rest, values);
  }
}

function schemaCommand(rest: readonly string[], values: Values): Command {
  const [action, ...extra] = rest;
  if (action !== 'up' && action !== 'status' && action !== 'down') {
    throw new UsageError(
      action === undefined
        ? 'schema needs an action: up, status or down.'
        : `Unknown schema action "${action}"; expected up, status or down.`,
      'schema',
    );
  }
  noExtraArguments('schema', extra);
  const to = typeof values.to === 'string' ? values.to : null;
  if (to !== null && action !== 'down')
    throw new UsageError(`--to only applies to "schema down", not "schema ${action}".`, 'schema');
  if (to === '') throw new UsageError('--to needs a migration name (see "schema status").', 'schema');
  return { name: 'schema', action, to };
}

function logsToStepsCommand(rest: readonly string[], values: Values): Command {
  noExtraArguments('logs-to-steps', rest);
  const fileId = positiveInteger(values, 'file-id', 'logs-to-steps');
  const batchSize = positiveInteger(values, 'batch-size', 'logs-to-steps');
  const concurrency = positiveInteger(values, 'concurrency', 'logs-to-steps');
  if (fileId !== null) {
    for (const conflicting of ['all', 'restart', 'batch-size', 'concurrency'] as const) {
      if (values[conflicting] !== undefined) {
        throw new UsageError(
          `--file-id rebuilds one file; --${conflicting} applies to whole-database runs. Give one or the other.`,
          'logs-to-steps',
        );
      }
    }
  }
  if (batchSize !== null && batchSize > MAX_BATCH_SIZE) {
    throw new UsageError(
      `--batch-size ${batchSize} is too large; use 1 to ${MAX_BATCH_SIZE} files per batch.`,
      'logs-to-steps',
    );
  }
  if (concurrency !== null && concurrency > MAX_CONCURRENCY) {
    throw new UsageError(
      `--concurrency ${concurrency} is too large; use 1 to ${MAX_CONCURRENCY} batches at once.`,
      'logs-to-steps',
    );
  }
  return {
    name: 'logs-to-steps',
    fileId,
    batchSize: batchSize ?? DEFAULT_BATCH_SIZE,
    concurrency,
    dryRun: values['dry-run'] === true,
    all: values.all === true,
    restart: values.restart === true,
  };
}

function verifyCommand(rest: readonly string[], values: Values): Command {
  noExtraArguments('verify', rest);
  const fileId = positiveInteger(values, 'file-id', 'verify');
  if (fileId !== null && values.all === true) {
    throw new UsageError('Give either --file-id N (one file) or --all (every file), not both.', 'verify');
  }
  return { name: 'verify', fileId };
}

function pruneCommand(rest: readonly string[], values: Values): Command {
  noExtraArguments('prune', rest);
  const text = values['older-than'];
  if (typeof text !== 'string') {
    throw new UsageError(`prune needs --older-than DURATION, ${DURATION_FORMS}.`, 'prune');
  }
  const olderThan = parseDuration(text);
  if (olderThan === null) {
    throw new UsageError(`--older-than "${text}" is not a duration; use ${DURATION_FORMS}.`, 'prune');
  }
  return { name: 'prune', olderThan, dryRun: values['dry-run'] === true };
}

function positiveInteger(
  values: Values,
  option: 'file-id' | 'batch-size' | 'concurrency',
  command: CommandName,
): number | null {
  const raw = values[option];
  if (raw === undefined || typeof raw !== 'string') return null;
  const value = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(
      `--${option} "${raw}" is not a positive whole number (e.g. --${option} 42).`,
      command,
    );
  }
  return value;
}

function noExtraArguments(command: CommandName, extra: readonly string[]): void {
  if (extra.length > 0) {
    throw new UsageError(`Unexpected argument "${extra[0]}". Usage: ${commandUsage(command)}`, command);
  }
}
