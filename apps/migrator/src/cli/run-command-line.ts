import { ConfigError } from '@steptrail/runtime';
import type { DependencyContainer } from 'tsyringe';
import { loadConfig } from '../config.js';
import { createMigratorContainer, MIGRATOR, type MigratorOptions } from '../container.js';
import { Output } from '../output/output.js';
import type { Terminal } from '../output/terminal.js';
import type { Command } from './command.js';
import { parseCommandLine, seeHelp } from './command-line.js';
import { ConfigurationProblem } from './configuration-problem.js';
import { EXIT } from './exit-codes.js';
import { UsageError } from './usage-error.js';

export interface RunOptions extends Partial<Omit<MigratorOptions, 'json' | 'programName'>> {
  /** The environment to configure from; defaults to the process's (tests pass their own). */
  env?: Readonly<Record<string, string | undefined>>;
  /** How the user started the program, for usage lines and hints (see `programName` in config.ts). */
  programName: string;
}

/** Runs a command line to its exit code; every failure becomes a message and one of the EXIT codes. */
export async function runCommandLine(
  args: readonly string[],
  terminal: Terminal,
  options: RunOptions,
): Promise<number> {
  const parsed = parseCommandLine(args, options.programName);
  if (parsed.kind === 'help') {
    terminal.out(parsed.text);
    return EXIT.ok;
  }
  if (parsed.kind === 'usage-error') {
    new Output(terminal, parsed.json).failure('usage', parsed.message);
    return EXIT.usage;
  }
  const { command, json, databaseUrl } = parsed.invocation;
  const output = new Output(terminal, json);
  let container: DependencyContainer;
  try {
    const config = loadConfig({
      databaseUrl,
      cwd: terminal.cwd,
      ...(options.env === undefined ? {} : { env: options.env }),
    });
    container = createMigratorContainer(config, terminal, { ...options, json });
  } catch (error) {
    return fail(output, error, command, options.programName);
  }
  const interrupts = container.resolve(MIGRATOR.Interrupts);
  interrupts.listen();
  try {
    if (command.name !== 'schema')
      output.note(`Database: ${container.resolve(MIGRATOR.Database).target.display}`);
    return await dispatch(container, command);
  } catch (error) {
    return fail(output, error, command, options.programName);
  } finally {
    interrupts.close();
    await container.resolve(MIGRATOR.Database).close();
  }
}

function dispatch(container: DependencyContainer, command: Command): Promise<number> {
  switch (command.name) {
    case 'schema':
      return container.resolve(MIGRATOR.SchemaCommand).run(command);
    case 'logs-to-steps':
      return container.resolve(MIGRATOR.LogsToStepsCommand).run(command);
    case 'verify':
      return container.resolve(MIGRATOR.VerifyCommand).run(command);
    case 'reconcile':
      return container.resolve(MIGRATOR.ReconcileCommand).run();
    case 'prune':
      return container.resolve(MIGRATOR.PruneCommand).run(command);
  }
}

function fail(output: Output, error: unknown, command: Command, programName: string): number {
  if (error instanceof UsageError) {
    output.failure('usage', `${error.message}\n${seeHelp(programName, error.command ?? command.name)}`);
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
