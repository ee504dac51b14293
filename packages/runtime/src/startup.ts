import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatabaseTarget } from './database-url.js';
import { ConfigError } from './env-config.js';

/**
 * The process cannot run as configured (database unreachable, port taken, a directory it cannot write): nothing
 * was changed, and the message says what is wrong and what to do. Exits with 2, like a configuration error.
 */
export class StartupProblem extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupProblem';
  }
}

/** The exit code of a process that could not start because of how it is configured (the migrator's too). */
export const EXIT_CONFIGURATION = 2;

/** The message and cause chain of anything thrown, on one line: drivers put the useful part in the causes. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth += 1) {
    const part =
      current instanceof Error
        ? `${current.name}: ${current.message}`
        : typeof current === 'string'
          ? current
          : JSON.stringify(current);
    if (!parts.some((seen) => seen.includes(part))) parts.push(part);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(' <- caused by ');
}

/** The start-up problem of a database that cannot be opened: where it tried, why, and what to check. */
export function cannotOpenDatabase(
  target: DatabaseTarget,
  error: unknown,
  source = 'DATABASE_URL',
): StartupProblem {
  const reason = error instanceof Error ? error.message : String(error);
  const check =
    target.kind === 'sqlite'
      ? 'that its directory exists and is writable'
      : 'that the server runs and accepts these credentials';
  return new StartupProblem(`Cannot open ${target.display}: ${reason}. Check ${source} and ${check}.`, {
    cause: error,
  });
}

/**
 * Creates `dir` if needed and proves this process may write there by creating, writing and removing a probe file:
 * permission bits say nothing for root, a read-only mount or an immutable directory, and each of those used to
 * pass start-up and then fail every upload (docs/architecture.md#start-up). `variable` names where it came from.
 */
export async function ensureWritableDirectory(dir: string, variable: string): Promise<void> {
  const probe = join(dir, `.steptrail-write-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, 'probe', { flag: 'wx' });
    await rm(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'an error';
    const who = process.getuid === undefined ? 'this user' : `this user (uid ${process.getuid()})`;
    throw new StartupProblem(
      `${variable} ${dir} is not a writable directory (${code}). Point ${variable} at a directory ${who} may ` +
        'write, or fix its permissions (a read-only mount cannot be fixed with chmod).',
      { cause: error },
    );
  }
}

interface ListenError {
  code: string;
  syscall?: string;
  address?: string;
  port?: number;
}

const isListenError = (error: unknown): error is ListenError =>
  error instanceof Error &&
  typeof (error as NodeJS.ErrnoException).code === 'string' &&
  (error as NodeJS.ErrnoException).syscall === 'listen';

/** What a failed `listen` means for the person who configured HOST and PORT, or null for other errors. */
function explainListen(error: unknown): string | null {
  if (!isListenError(error)) return null;
  const where = `${error.address ?? 'HOST'}:${error.port ?? 'PORT'}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return `${where} is already in use by another process. Stop that process, or set PORT to a free port (0 picks one).`;
    case 'EACCES':
      return `this user may not listen on ${where}. Set PORT to 1024 or above.`;
    case 'EADDRNOTAVAIL':
      return `${error.address ?? 'HOST'} is not an address of this machine. Set HOST to one of its addresses (127.0.0.1 for this machine only, 0.0.0.0 for every interface).`;
    default:
      return null;
  }
}

export interface StartupFailure {
  message: string;
  exitCode: number;
}

/** Turns a start-up failure into what the person starting `app` reads, and the exit code; never a stack trace. */
export function explainStartupFailure(app: string, error: unknown): StartupFailure {
  if (error instanceof ConfigError) return { message: error.message, exitCode: EXIT_CONFIGURATION };
  if (error instanceof StartupProblem)
    return { message: `${app} cannot start: ${error.message}`, exitCode: EXIT_CONFIGURATION };
  const listen = explainListen(error);
  if (listen !== null) return { message: `${app} cannot start: ${listen}`, exitCode: EXIT_CONFIGURATION };
  return { message: `${app} failed to start: ${describeError(error)}`, exitCode: 1 };
}

/**
 * Runs an app's start-up; a failure prints one explanation on stderr and exits (2 for what the configuration can
 * fix, 1 otherwise). Exiting explicitly matters: a half-started process may hold connections that keep it alive.
 */
export function runMain(app: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    const failure = explainStartupFailure(app, error);
    process.stderr.write(`${failure.message}\n`);
    process.exit(failure.exitCode);
  });
}

/** On SIGINT or SIGTERM runs `stop` once, then exits 0; a second signal exits at once. */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`${signal} received, shutting down\n`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${describeError(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
