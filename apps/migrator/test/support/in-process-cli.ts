import { runCommandLine, type RunOptions } from '../../src/cli/run-command-line.js';
import type { Terminal } from '../../src/output/terminal.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as the one JSON document of a --json run. */
  json(): Record<string, unknown>;
}

/** The name usage lines and hints give the program in these tests: how the README starts the built file. */
export const PROGRAM = 'node apps/migrator/dist/main.js';

export interface InProcessOptions extends Partial<RunOptions> {
  /** Called for every line written to stderr; `interrupt()` acts like a Ctrl-C. */
  onStderr?: (line: string, interrupt: () => void) => void;
}

/** Runs the CLI's own entry code in this process against a recording terminal (no TTY, no signals). */
export async function runCli(
  args: readonly string[],
  databaseUrl: string,
  options: InProcessOptions = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  let interruptListener: ((count: number) => void) | null = null;
  let interrupted = false;
  const interrupt = () => {
    if (interrupted) return;
    interrupted = true;
    interruptListener?.(1);
  };
  const terminal: Terminal = {
    out: (text) => {
      stdout += text.endsWith('\n') ? text : `${text}\n`;
    },
    err: (text) => {
      stderr += text.endsWith('\n') ? text : `${text}\n`;
      options.onStderr?.(text, interrupt);
    },
    barStream: null,
    onInterrupt(listener) {
      interruptListener = listener;
      return () => {
        interruptListener = null;
      };
    },
    exitNow: (code) => {
      throw new Error(`exitNow(${code}) called in a test`);
    },
    cwd: process.cwd(),
  };
  const code = await runCommandLine(args, terminal, {
    env: { DATABASE_URL: databaseUrl },
    programName: PROGRAM,
    ...options,
  });
  return {
    code,
    stdout,
    stderr,
    json: () => JSON.parse(stdout) as Record<string, unknown>,
  };
}
