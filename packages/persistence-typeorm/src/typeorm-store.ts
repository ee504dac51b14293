import { setTimeout } from 'node:timers/promises';
import {
  WakeHub,
  isStoreError,
  retryDelayMs,
  type Clock,
  type Repositories,
  type Store,
  type StoreCapabilities,
  type UnitOfWork,
} from '@steptrail/domain';
import type { DataSource, QueryRunner } from 'typeorm';
import { storeCapabilities } from './define-dialect.js';
import type { Dialect } from './dialect.js';
import { TypeormBulkOperations } from './repositories/typeorm-bulk-operations.js';
import { TypeormFileRepository } from './repositories/typeorm-file-repository.js';
import { TypeormLegacyStore } from './repositories/typeorm-legacy-store.js';
import { TypeormLogRepository } from './repositories/typeorm-log-repository.js';
import { TypeormStallStore } from './repositories/typeorm-stall-store.js';
import { TypeormLogRetention } from './repositories/typeorm-log-retention.js';
import { TypeormReconcile } from './repositories/typeorm-reconcile.js';
import { TypeormReceiptStore } from './repositories/typeorm-receipt-store.js';
import { TypeormStepRepository } from './repositories/typeorm-step-repository.js';
import { TypeormStepStatistics } from './repositories/typeorm-step-statistics.js';
import { TypeormWebhookStore } from './repositories/typeorm-webhook-store.js';
import { TypeormWorkQueue } from './repositories/typeorm-work-queue.js';
import { FILES_INSERT_DEFAULTS } from './schema/schema-plan.js';
import { PROCESSED_PATH_COLUMN, WORKFLOW_PLAN_COLUMN } from './mappers/row-mappers.js';
import { SqlExecutor } from './sql-executor.js';
import { Transactions } from './transactions.js';

export interface TypeormStoreOptions {
  /** The initialized data source that runs transactions. */
  dataSource: DataSource;
  /** Where autocommit reads go (SQLite: a second connection, so reads never see an open transaction). */
  readDataSource?: DataSource;
  dialect: Dialect;
  clock: Clock;
  /** Rebuild legacy steps with the set-based fold query (default) instead of folding file by file in JS. */
  setBasedRebuild?: boolean;
  /** Subscribes to wake-ups pushed by other processes (LISTEN/NOTIFY); returns an unsubscribe function. */
  subscribeToWakeups?: (listener: () => void) => Promise<() => Promise<void>>;
  /** A check of the backend's own beside the ping query (SQLite: the file is still the one opened). */
  onPing?: () => Promise<void>;
  /** Extra resources to release on close, after the data sources. */
  onClose?: () => Promise<void>;
  /** How many times a transaction that lost a race (deadlock, serialization failure, busy) is run. */
  maxTransactionAttempts?: number;
}

/** Pauses before re-running a transaction that lost a race: short, since the winner commits within milliseconds. */
const RACE_RETRY = { baseMs: 10, maxMs: 200 };

/** A Store over any TypeORM data source, given the dialect's differences. */
export class TypeormStore implements Store {
  readonly reads: Repositories;
  readonly unitOfWork: UnitOfWork;
  readonly workSignal: WakeHub = new WakeHub();
  readonly capabilities: StoreCapabilities;
  private readonly transactions: Transactions;
  private unsubscribe: (() => Promise<void>) | null = null;

  private constructor(
    private readonly options: TypeormStoreOptions,
    /** The FILES_INSERT_DEFAULTS whose columns this database's `files` table has. */
    private readonly insertDefaults: Readonly<Record<string, unknown>>,
    /** Whether `files` has DocuElevate's `workflow_plan` column (docs/architecture.md#workflow-plans). */
    private readonly hasPlan: boolean,
    /** Whether `files` has DocuElevate's `processed_file_path` column (docs/architecture.md#downloads). */
    private readonly hasProcessedPath: boolean,
  ) {
    this.capabilities = storeCapabilities(options.dialect);
    this.transactions = new Transactions(options.dataSource, options.dialect);
    this.reads = this.repositories(TypeormStore.readExecutor(options), () => undefined);
    this.unitOfWork = { transaction: (work) => this.transaction(work) };
  }

  static async open(options: TypeormStoreOptions): Promise<TypeormStore> {
    const reads = TypeormStore.readExecutor(options);
    const store = new TypeormStore(
      options,
      await presentInsertDefaults(reads),
      await hasColumn(reads, 'files', WORKFLOW_PLAN_COLUMN),
      await hasColumn(reads, 'files', PROCESSED_PATH_COLUMN),
    );
    if (options.subscribeToWakeups !== undefined) {
      store.unsubscribe = await options.subscribeToWakeups(() => store.workSignal.wake());
    }
    return store;
  }

  async ping(): Promise<void> {
    await this.options.onPing?.();
    await TypeormStore.readExecutor(this.options).rows('SELECT 1 AS ok');
  }

  /** Autocommit reads, on the read data source where there is one. */
  private static readExecutor(options: TypeormStoreOptions): SqlExecutor {
    return new SqlExecutor(options.readDataSource ?? options.dataSource, options.dialect, null);
  }

  async close(): Promise<void> {
    await this.unsubscribe?.();
    this.workSignal.wake();
    if (this.options.readDataSource?.isInitialized === true) await this.options.readDataSource.destroy();
    if (this.options.dataSource.isInitialized) await this.options.dataSource.destroy();
    await this.options.onClose?.();
  }

  private async transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    const attempts = this.options.maxTransactionAttempts ?? 8;
    for (let attempt = 1; ; attempt += 1) {
      let announced = false;
      try {
        const result = await this.transactions.run((runner: QueryRunner) =>
          work(
            this.repositories(
              new SqlExecutor(this.options.dataSource, this.options.dialect, runner),
              () => (announced = true),
            ),
          ),
        );
        if (announced) this.workSignal.wake();
        return result;
      } catch (error) {
        if (!isStoreError(error, 'transient_conflict') || attempt >= attempts) throw error;
        await setTimeout(retryDelayMs(attempt, RACE_RETRY));
      }
    }
  }

  private repositories(sql: SqlExecutor, onAnnounce: () => void): Repositories {
    const now = () => this.options.clock.now();
    const steps = new TypeormStepRepository(sql, now);
    const logs = new TypeormLogRepository(sql);
    return {
      files: new TypeormFileRepository(sql, now, this.insertDefaults, this.hasPlan, this.hasProcessedPath),
      steps,
      logs,
      queue: new TypeormWorkQueue(sql, onAnnounce, this.hasPlan),
      legacy: new TypeormLegacyStore(sql, { steps, logs }, this.options.setBasedRebuild ?? true, now),
      retention: new TypeormLogRetention(sql),
      statistics: new TypeormStepStatistics(sql),
      reconcile: new TypeormReconcile(sql, now, this.hasPlan),
      receipts: new TypeormReceiptStore(sql),
      stalls: new TypeormStallStore(sql, this.hasPlan),
      bulk: new TypeormBulkOperations(sql),
      webhooks: new TypeormWebhookStore(sql),
    };
  }
}

/**
 * The FILES_INSERT_DEFAULTS whose column the `files` table has: a SELECT of a missing column fails on every database,
 * outside any transaction here. A database without a `files` table yet has none of them.
 */
async function presentInsertDefaults(sql: SqlExecutor): Promise<Record<string, unknown>> {
  const present: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(FILES_INSERT_DEFAULTS)) {
    if (await hasColumn(sql, 'files', column)) present[column] = value;
  }
  return present;
}

/** Whether `table` has `column`: a SELECT of a missing column fails on every database (outside any transaction). */
function hasColumn(sql: SqlExecutor, table: string, column: string): Promise<boolean> {
  return sql.rows(`SELECT ${column} FROM ${table} WHERE 1 = 0`).then(
    () => true,
    () => false,
  );
}
