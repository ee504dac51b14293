import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const register = fileURLToPath(new URL('./ts-register.mjs', import.meta.url));
export const apiSource = (file: 'main.ts' | 'start.ts'): string =>
  fileURLToPath(new URL(`../../src/${file}`, import.meta.url));

/** Variables of the test process that would change how the app under test is configured. */
const APP_VARIABLES = [
  'DATABASE_URL',
  'HOST',
  'PORT',
  'API_TOKENS',
  'STORAGE_DIR',
  'LOG_LEVEL',
  'WORKFLOWS',
  'DEFAULT_WORKFLOW',
  'START_WORKER',
];

/** An app process started from the TypeScript sources, with its output collected. */
export class AppProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(script: string, env: Record<string, string>, cwd: string) {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !APP_VARIABLES.includes(name)),
    );
    this.child = spawn(process.execPath, ['--conditions=@steptrail/source', '--import', register, script], {
      cwd,
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
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

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Ends the process if it still runs (for cleanup after a failed assertion). */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}
