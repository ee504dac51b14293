import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LegacyMigration,
  StatusQueries,
  StepTracker,
  WorkClaims,
  systemClock,
  type FileDetail,
  type LogEntry,
  type Store,
  type StoredStep,
} from '@steptrail/domain';
import { openStore } from '@steptrail/runtime';
import { parseWorkerConfig, type WorkerConfig } from '../../src/config.js';
import type { WorkerOverrides } from '../../src/container.js';
import { startWorker, type RunningWorker } from '../../src/start-worker.js';
import type { FreshDatabase, TestBackend } from './backends.js';

export interface Dirs {
  root: string;
  storage: string;
  processed: string;
  destination: string;
}

/** One database and one set of folders for a test, with the domain's use-cases to arrange and inspect. */
export class Harness {
  private readonly workers: RunningWorker[] = [];

  private constructor(
    readonly db: FreshDatabase,
    readonly store: Store,
    readonly dirs: Dirs,
  ) {}

  readonly tracker = (): StepTracker =>
    new StepTracker({ unitOfWork: this.store.unitOfWork, clock: systemClock });
  readonly claims = (): WorkClaims =>
    new WorkClaims({ unitOfWork: this.store.unitOfWork, clock: systemClock });
  readonly queries = (): StatusQueries => new StatusQueries(this.store.reads);

  static async open(backend: TestBackend, label: string): Promise<Harness> {
    const db = await backend.fresh(label);
    const root = await mkdtemp(join(tmpdir(), `steptrail-worker-${label}-`));
    const dirs = {
      root,
      storage: join(root, 'storage'),
      processed: join(root, 'processed'),
      destination: join(root, 'delivered'),
    };
    return new Harness(db, await openStore(db.target), dirs);
  }

  /** The worker configuration of this test: fast timings, folders under the test's root. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_URL: this.db.url,
      STORAGE_DIR: this.dirs.storage,
      PROCESSED_DIR: this.dirs.processed,
      SCRATCH_DIR: join(this.dirs.root, 'scratch'),
      WORKER_CONCURRENCY: '4',
      LEASE_MS: '5000',
      POLL_INTERVAL_MS: '25',
      RETRY_BASE_MS: '20',
      RETRY_MAX_MS: '200',
      SHUTDOWN_GRACE_MS: '2000',
      LOG_LEVEL: 'error',
      ...extra,
    };
  }

  config(extra: Record<string, string> = {}): WorkerConfig {
    return parseWorkerConfig(this.env(extra), this.dirs.root);
  }

  async start(extra: Record<string, string> = {}, overrides: WorkerOverrides = {}): Promise<RunningWorker> {
    const worker = await startWorker(this.config(extra), overrides);
    this.workers.push(worker);
    return worker;
  }

  /** Polls the file's detail until `done` holds; the test's timeout bounds the wait. */
  async waitFor(fileId: number, done: (detail: FileDetail) => boolean = settled): Promise<FileDetail> {
    for (;;) {
      const detail = await this.queries().getFileDetail(fileId);
      if (!detail.ok) throw new Error(detail.error.message);
      if (done(detail.value)) return detail.value;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Polls until the step has one of `wanted` statuses; returns its row. */
  async waitForStep(fileId: number, stepName: string, wanted: readonly string[]): Promise<StoredStep> {
    for (;;) {
      const step = (await this.steps(fileId))[stepName];
      if (step !== undefined && wanted.includes(step.status)) return step;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async steps(fileId: number): Promise<Record<string, StoredStep>> {
    const rows = await this.store.reads.steps.listForFile(fileId);
    return Object.fromEntries(rows.map((row) => [row.stepName, row]));
  }

  async history(fileId: number, stepName?: string): Promise<LogEntry[]> {
    const logs = await this.store.reads.logs.listForFiles([fileId]);
    return stepName === undefined ? logs : logs.filter((log) => log.stepName === stepName);
  }

  /** Every file's rows equal the fold of its logs (the migrator's `verify --all`). */
  async verifyAll(): Promise<{ filesChecked: number; filesInvalid: number; problems: string[] }> {
    const migration = new LegacyMigration({
      unitOfWork: this.store.unitOfWork,
      reads: this.store.reads,
      clock: systemClock,
    });
    const problems: string[] = [];
    const totals = await migration.verifyAll((verification) => {
      if (!verification.valid) problems.push(JSON.stringify(verification));
    });
    return { ...totals, problems };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.stop()));
    await this.store.close();
    await this.db.drop();
    await rm(this.dirs.root, { recursive: true, force: true });
  }
}

const settled = (detail: FileDetail): boolean =>
  ['completed', 'failed', 'duplicate'].includes(detail.status.status);

/** The statuses of a step's events, in history order (notes without status left out). */
export const statuses = (logs: readonly LogEntry[]): string[] =>
  logs.flatMap((log) => (log.status === null ? [] : [log.status]));
