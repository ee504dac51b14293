import { ConfigError } from '@steptrail/runtime';
import type { DependencyContainer } from 'tsyringe';
import { loadConfig } from '../config.js';
import { createMigratorContainer, MIGRATOR, type MigratorOptions } from '../container.js';
import { Output } from '../output/output.js';
import type { Terminal } from '../output/terminal.js';
import type { ParsedArgv } from './argv.js';
import type { Command } from './command.js';
import { ConfigurationProblem } from './configuration-problem.js';
import { EXIT } from './exit-codes.js';
import { commandHelp, GENERAL_HELP } from './help.js';
import { UsageError } from './usage-error.js';

export interface RunOptions extends Partial<Omit<MigratorOptions, 'json'>> {
  /** The environment to configure from; defaults to the process's (tests pass their own). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Runs a parsed command line to its exit code; every failure becomes a message and one of the EXIT codes. */
export async function runInvocation(
  parsed: ParsedArgv,
  terminal: Terminal,
  options: RunOptions = {},
): Promise<number> {
  if (!parsed.ok) {
    const hint =
      parsed.error.command === null
        ? 'steptrail-migrate --help'
        : `steptrail-migrate ${parsed.error.command} --help`;
    new Output(terminal, parsed.json).failure('usage', `${parsed.error.message}\nSee "${hint}".`);
    return EXIT.usage;
  }
  const { command, json, databaseUrl } = parsed.invocation;
  const output = new Output(terminal, json);
  if (command.name === 'help') {
    terminal.out(command.topic === null ? GENERAL_HELP : commandHelp(command.topic));
    return EXIT.ok;
  }
  let container: DependencyContainer;
  try {
    const config = loadConfig({
      databaseUrl,
      cwd: terminal.cwd,
      ...(options.env === undefined ? {} : { env: options.env }),
    });
    container = createMigratorContainer(config, terminal, { ...options, json });
  } catch (error) {
    return fail(output, error, command);
  }
  const interrupts = container.resolve(MIGRATOR.Interrupts);
  interrupts.listen();
  try {
    if (command.name !== 'schema')
      output.note(`Database: ${container.resolve(MIGRATOR.Database).target.display}`);
    return await dispatch(container, command);
  } catch (error) {
    return fail(output, error, command);
  } finally {
    interrupts.close();
    await container.resolve(MIGRATOR.Database).close();
  }
}

function dispatch(
  container: DependencyContainer,
  command: Exclude<Command, { name: 'help' }>,
): Promise<number> {
  switch (command.name) {
    case 'schema':
      return container.resolve(MIGRATOR.SchemaCommand).run(command);
    case 'logs-to-steps':
      return container.resolve(MIGRATOR.LogsToStepsCommand).run(command);
    case 'verify':
      return container.resolve(MIGRATOR.VerifyCommand).run(command);
    case 'prune':
      return container.resolve(MIGRATOR.PruneCommand).run(command);
  }
}

function fail(output: Output, error: unknown, command: Command): number {
  if (error instanceof UsageError) {
    output.failure(
      'usage',
      `${error.message}\nSee "steptrail-migrate ${error.command ?? command.name} --help".`,
    );
    return EXIT.usage;
  }
  if (error instanceof ConfigError || error instanceof ConfigurationProblem) {
    output.failure('configuration', error.message);
    return EXIT.usage;
  }
  output.failure('error', `${command.name} failed: ${describe(error)}`);
  return EXIT.problems;
}

/** The message and the messages of its causes, which is where drivers put the useful part. */
function describe(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error; current !== undefined && parts.length < 4;) {
    const message = current instanceof Error ? current.message : JSON.stringify(current);
    if (!parts.some((part) => part.includes(message))) parts.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(' <- ');
}
