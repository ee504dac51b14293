import { existsSync } from 'node:fs';
import { LogRetention, type LegacyMigration, type Store } from '@steptrail/domain';
import { cannotOpenDatabase, type DatabaseTarget } from '@steptrail/runtime';
import type { DataSource } from 'typeorm';
import { ConfigurationProblem } from './cli/configuration-problem.js';
import { CheckpointTable } from './sql/checkpoint-table.js';
import { SchemaMigrations } from './sql/schema-migrations.js';
import { SqlRunner } from './sql/sql-runner.js';

/** The domain side of an open database: the store and the migration use-case wired to it. */
export interface UseCases {
  store: Store;
  legacy: LegacyMigration;
}

export interface DatabaseOpeners {
  /** The adapter's migration data source (not initialised). */
  dataSource(target: DatabaseTarget): Promise<DataSource>;
  /** Opens the store and builds the use-cases on it. */
  useCases(target: DatabaseTarget): Promise<UseCases>;
}

/**
 * The connections one command uses, opened on first use and closed together: the adapter's data source for
 * schema work and the migrator's own SQL, and the store for the domain use-cases.
 */
export class DatabaseSession {
  private dataSourcePromise: Promise<DataSource> | null = null;
  private useCasesPromise: Promise<UseCases> | null = null;

  constructor(
    readonly target: DatabaseTarget,
    private readonly openers: DatabaseOpeners,
    /** How the user started the migrator, to name the command that fixes a problem. */
    private readonly programName: string,
  ) {}

  /** True for a SQLite target whose file does not exist yet (only `schema up` creates it). */
  get missingSqliteFile(): boolean {
    return this.target.kind === 'sqlite' && !existsSync(this.target.path);
  }

  async schema(): Promise<SchemaMigrations> {
    const dataSource = await this.dataSource();
    return new SchemaMigrations(dataSource, new SqlRunner(dataSource));
  }

  async checkpoints(): Promise<CheckpointTable> {
    return new CheckpointTable(new SqlRunner(await this.dataSource()));
  }

  async retention(cutoff: Date): Promise<LogRetention> {
    const { store } = await this.useCases();
    return new LogRetention({ unitOfWork: store.unitOfWork, reads: store.reads }, cutoff);
  }

  /** For commands that read or write steptrail's tables: the database exists and every migration is applied. */
  async requireMigrated(): Promise<void> {
    if (this.missingSqliteFile) {
      throw new ConfigurationProblem(
        `There is no SQLite database at ${this.target.kind === 'sqlite' ? this.target.path : ''}. Check DATABASE_URL ` +
          `(or --database-url), or create it with "${this.programName} schema up".`,
      );
    }
    const pending = await (await this.schema()).pending();
    if (pending.length > 0) {
      throw new ConfigurationProblem(
        `The schema of ${this.target.display} is not up to date (${pending.length} pending migration(s): ` +
          `${pending.join(', ')}). Run "${this.programName} schema up" first.`,
      );
    }
  }

  async useCases(): Promise<UseCases> {
    this.useCasesPromise ??= this.connect(() => this.openers.useCases(this.target));
    return this.useCasesPromise;
  }

  async close(): Promise<void> {
    const [dataSource, useCases] = await Promise.allSettled([
      this.dataSourcePromise ?? Promise.resolve(null),
      this.useCasesPromise ?? Promise.resolve(null),
    ]);
    if (useCases.status === 'fulfilled') await useCases.value?.store.close();
    if (dataSource.status === 'fulfilled' && dataSource.value?.isInitialized === true)
      await dataSource.value.destroy();
  }

  private dataSource(): Promise<DataSource> {
    this.dataSourcePromise ??= this.connect(async () =>
      (await this.openers.dataSource(this.target)).initialize(),
    );
    return this.dataSourcePromise;
  }

  /** A connection that cannot be made is a configuration problem: say where it tried to connect. */
  private async connect<T>(open: () => Promise<T>): Promise<T> {
    try {
      return await open();
    } catch (error) {
      throw cannotOpenDatabase(this.target, error, 'DATABASE_URL (or --database-url)');
    }
  }
}
