import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunAs } from './child-process.js';
import { inheritedEnv } from './env.js';

/**
 * `node --import <TS_REGISTER> script.ts` runs an app's TypeScript sources without a build (Node 20 cannot strip
 * types itself); the same path works from the sources and from dist.
 */
export const TS_REGISTER = fileURLToPath(new URL('../ts-loader/ts-register.mjs', import.meta.url));

/** Variables of the test process that would change how the app under test is configured. */
const APP_VARIABLES = [
  'DATABASE_URL',
  'HOST',
  'PORT',
  'API_TOKENS',
  'STORAGE_DIR',
  'PROCESSED_DIR',
  'WORK_DIR',
  'SCRATCH_DIR',
  'DESTINATIONS',
  'LOG_LEVEL',
  'WORKFLOWS',
  'DEFAULT_WORKFLOW',
  'START_WORKER',
  'ALLOW_UNAUTHENTICATED',
  'DATABASE_LOST_AFTER_MS',
];

/**
 * The environment of an app process started by a test: the test process's own, less the variables that configure
 * the apps, plus `env`. Also for processes started from the built `dist/main.js`.
 */
export function appEnvironment(env: Record<string, string>): Record<string, string | undefined> {
  const inherited = Object.fromEntries(
    Object.entries(inheritedEnv()).filter(([name]) => !APP_VARIABLES.includes(name)),
  );
  return { ...inherited, ...env };
}

/**
 * An app process started from its TypeScript sources (`script`, an absolute path) — or, with `built`, from a built
 * `dist/main.js` (a start from dist takes ~2 s, from the sources ~8 s) — with its output collected.
 */
export class AppProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  /** `runAs` starts it as another user (when we are root, the only way file permissions bind it). */
  constructor(
    script: string,
    env: Record<string, string>,
    cwd: string,
    options: { runAs?: RunAs; built?: boolean; args?: readonly string[] } = {},
  ) {
    const loader = options.built === true ? [] : ['--conditions=@steptrail/source', '--import', TS_REGISTER];
    this.child = spawn(process.execPath, [...loader, script, ...(options.args ?? [])], {
      cwd,
      env: appEnvironment(env),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.runAs === undefined ? {} : { uid: options.runAs.uid, gid: options.runAs.gid }),
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString('utf8')));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** The first match of `pattern` in stdout; fails when the process exits first or after `timeoutMs`. */
  async waitForOutput(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (;;) {
      const match = this.stdout.match(pattern);
      if (match !== null) return match;
      if (exited || Date.now() > deadline) {
        throw new Error(
          `no ${pattern} in the output (exited: ${exited})\nstdout: ${this.stdout}\nstderr: ${this.stderr}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The process id, e.g. to read its open files and memory under /proc. */
  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the app process did not start');
    return this.child.pid;
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Ends the process if it still runs (for cleanup after a failed assertion). */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

/**
 * Whom to start an app as for a test of file permissions: `nobody` when we are root (root writes through any mode
 * bits), else undefined, ourselves. Files the app must use are then handed to it with `chown`.
 */
export function unprivilegedUser(): RunAs | undefined {
  return process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
}
