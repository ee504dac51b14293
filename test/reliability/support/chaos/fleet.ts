import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appEnvironment } from '@steptrail/test-servers/app-process';

export const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The built entry points the chaos suite runs: a restart from dist takes ~2 s, from the sources ~8 s. */
export const ENTRY = {
  api: join(REPOSITORY_ROOT, 'apps/api/dist/main.js'),
  worker: join(REPOSITORY_ROOT, 'apps/worker/dist/main.js'),
  standalone: join(REPOSITORY_ROOT, 'apps/standalone/dist/main.js'),
  migrator: join(REPOSITORY_ROOT, 'apps/migrator/dist/main.js'),
} as const;

export function assertBuilt(): void {
  const missing = Object.values(ENTRY).filter((entry) => !existsSync(entry));
  if (missing.length > 0)
    throw new Error(
      `the chaos suite runs the built apps; run \`pnpm build\` first (missing ${missing.join(', ')})`,
    );
}

/** What a worker said it committed: a claim (with its attempt) or a recorded outcome. */
export interface WorkerReport {
  readonly process: string;
  readonly workerId: string;
  readonly kind: 'claimed' | 'finished';
  readonly fileId: number;
  readonly step: string;
  readonly attempt: number | null;
  readonly status: string | null;
}

/** One end of one run of a process, and whether the suite caused it. */
export interface ExitRecord {
  readonly process: string;
  readonly generation: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /**
   * killed: our SIGKILL; stopped: our SIGTERM at the end; database-lost: the documented exit of a process whose
   * database stayed unreachable past DATABASE_LOST_AFTER_MS (code 3, saying so); anything else was not asked for.
   */
  readonly cause: 'killed' | 'stopped' | 'database-lost' | 'unexpected';
  readonly outputTail: string;
}

const TAIL_CHARS = 6_000;

/** The exit code and message of a process that gave up on its database (docs/architecture.md#start-up). */
const DATABASE_LOST = { code: 3, message: /DATABASE_LOST_AFTER_MS/ };

/** Everything the fleet's processes reported, shared by all of them. */
export class FleetRecords {
  readonly exits: ExitRecord[] = [];
  readonly workerReports: WorkerReport[] = [];

  unexpectedExits(): ExitRecord[] {
    return this.exits.filter((exit) => exit.cause === 'unexpected');
  }

  databaseLostExits(): ExitRecord[] {
    return this.exits.filter((exit) => exit.cause === 'database-lost');
  }
}

/**
 * One app process of the chaos run, restarted as often as the suite kills it. Each run is a generation with its
 * own WORKER_ID (`<name>.<generation>`), so the history's "Claimed by worker …" rows say which run claimed a step.
 * An exit the suite did not cause is recorded with the output's tail and the process is started again, so one
 * crash does not hide what happens next.
 */
export class ChaosProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private generation = 0;
  private expecting: 'killed' | 'stopped' | null = null;
  private finished = false;
  private tail = '';
  private up = false;

  /** `readyWhen`: how to tell this run is serving — a probe (the API's /readyz) or a line of its output. */
  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: (workerId: string) => Record<string, string>,
    private readonly cwd: string,
    private readonly records: FleetRecords,
    private readonly readyWhen: RegExp | (() => Promise<boolean>),
  ) {}

  /** Waits until the current run serves (bounded): its database checks at start-up are behind it. */
  async ready(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.up) {
      if (this.child !== null && typeof this.readyWhen === 'function' && (await this.readyWhen()))
        this.up = true;
      else if (Date.now() > deadline)
        throw new Error(
          `${this.name} (run ${this.generation}) did not come up within ${timeoutMs} ms:\n${this.tail}`,
        );
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  get running(): boolean {
    return this.child !== null;
  }

  get workerId(): string {
    return `${this.name}.${this.generation}`;
  }

  start(): void {
    if (this.child !== null) throw new Error(`${this.name} runs already`);
    this.generation += 1;
    this.expecting = null;
    this.tail = '';
    this.up = false;
    const generation = this.generation;
    const workerId = this.workerId;
    const child = spawn(process.execPath, [this.entry], {
      cwd: this.cwd,
      env: appEnvironment(this.env(workerId)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let partial = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.read(line, workerId);
      this.keep(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => this.keep(chunk));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        if (partial !== '') this.read(partial, workerId);
        const databaseLost = code === DATABASE_LOST.code && DATABASE_LOST.message.test(this.tail);
        const cause = this.expecting ?? (databaseLost ? 'database-lost' : 'unexpected');
        this.records.exits.push({
          process: this.name,
          generation,
          code,
          signal,
          cause,
          outputTail: this.tail,
        });
        this.child = null;
        this.up = false;
        resolve();
        // Started again after a pause, as a supervisor would; an unexpected exit still fails the run.
        if ((cause === 'unexpected' || cause === 'database-lost') && !this.finished)
          setTimeout(() => {
            if (!this.finished && this.child === null) this.start();
          }, 1_000);
      });
    });
  }

  /** kill -9, and wait until the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === null) return;
    this.expecting = 'killed';
    child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM at the end of the run; resolves with the exit code (SIGKILL after `timeoutMs`, recorded as such). */
  async stop(timeoutMs: number): Promise<void> {
    this.finished = true;
    const child = this.child;
    if (child === null) return;
    this.expecting = 'stopped';
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      this.expecting = null;
      child.kill('SIGKILL');
    }, timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Ends the process without asking (cleanup after a failure). */
  async abandon(): Promise<void> {
    this.finished = true;
    await this.kill();
  }

  /** The last output of the current run, for failure messages. */
  outputTail(): string {
    return this.tail;
  }

  private keep(chunk: Buffer): void {
    this.tail = (this.tail + chunk.toString('utf8')).slice(-TAIL_CHARS);
  }

  private read(line: string, workerId: string): void {
    if (this.readyWhen instanceof RegExp && this.readyWhen.test(line)) this.up = true;
    if (!line.startsWith('{')) return;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const message = parsed['msg'];
    if (message !== 'step claimed' && message !== 'step finished') return;
    const fileId = parsed['fileId'];
    const step = parsed['step'];
    if (typeof fileId !== 'number' || typeof step !== 'string') return;
    this.records.workerReports.push({
      process: this.name,
      workerId: typeof parsed['workerId'] === 'string' ? parsed['workerId'] : workerId,
      kind: message === 'step claimed' ? 'claimed' : 'finished',
      fileId,
      step,
      attempt: typeof parsed['attempt'] === 'number' ? parsed['attempt'] : null,
      status: typeof parsed['status'] === 'string' ? parsed['status'] : null,
    });
  }
}
