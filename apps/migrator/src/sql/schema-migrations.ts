import { SCHEMA_META_TABLE } from '@steptrail/runtime';
import type { DataSource } from 'typeorm';
import { ConfigurationProblem } from '../cli/configuration-problem.js';
import { integerOf, type SqlRunner } from './sql-runner.js';

export interface MigrationState {
  name: string;
  applied: boolean;
}

/** What `schema up` changed in one table. */
export interface TableChange {
  table: string;
  created: boolean;
  addedColumns: string[];
  addedIndexes: string[];
}

const STEPTRAIL_TABLES = ['files', 'file_processing_steps', 'processing_logs'] as const;

interface TableShape {
  exists: boolean;
  columns: Set<string>;
  indexes: Set<string>;
}

/** The adapter's TypeORM migrations, driven the way an operator needs: status, up, down to a name. */
export class SchemaMigrations {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sql: SqlRunner,
  ) {}

  /** Every migration the adapter knows, oldest first, with whether it is applied (read-only). */
  async status(): Promise<MigrationState[]> {
    const applied = new Set(await this.appliedNames());
    return this.knownNames().map((name) => ({ name, applied: applied.has(name) }));
  }

  /** Names of the migrations not applied yet. */
  async pending(): Promise<string[]> {
    return (await this.status()).filter((state) => !state.applied).map((state) => state.name);
  }

  /** Applies every pending migration, each in its own transaction; reports what changed in the tables. */
  async up(): Promise<{ applied: string[]; changes: TableChange[] }> {
    const before = await this.shapes();
    const applied = await this.dataSource.runMigrations({ transaction: 'each' });
    const after = await this.shapes();
    return { applied: applied.map((migration) => migration.name), changes: diff(before, after) };
  }

  /**
   * Reverts the newest applied migration, or with `to` every migration applied after `to`. Returns the names
   * reverted, newest first.
   */
  async down(to: string | null): Promise<string[]> {
    const applied = await this.appliedNames();
    if (to !== null && !applied.includes(to)) {
      const list = applied.length === 0 ? 'none is applied' : `applied: ${applied.join(', ')}`;
      throw new ConfigurationProblem(`--to ${to} is not an applied migration (${list}).`);
    }
    const count = to === null ? Math.min(1, applied.length) : applied.length - 1 - applied.indexOf(to);
    const reverted: string[] = [];
    for (let index = 0; index < count; index += 1) {
      reverted.push(applied[applied.length - 1 - index] ?? '?');
      await this.dataSource.undoLastMigration({ transaction: 'each' });
    }
    return reverted;
  }

  /** Whether `down(to)` reverts every applied migration, the first one included, which drops whole tables. */
  async revertsEverything(to: string | null): Promise<boolean> {
    return to === null && (await this.appliedNames()).length === 1;
  }

  /** The tables `schema up` created itself (reverting the first migration drops them); never DocuElevate's. */
  async createdTables(): Promise<string[]> {
    if (!(await this.sql.tableExists(SCHEMA_META_TABLE))) return [];
    const rows = await this.sql.rows(`SELECT table_name FROM ${SCHEMA_META_TABLE} ORDER BY table_name`);
    return rows.map((row) => String(row.table_name));
  }

  async rowCount(table: string): Promise<number> {
    const [row] = await this.sql.rows(`SELECT COUNT(*) AS row_count FROM ${table}`);
    return integerOf('row_count', row?.row_count);
  }

  private knownNames(): string[] {
    return this.dataSource.migrations.map((migration) => migration.name ?? migration.constructor.name);
  }

  /** Applied migration names in the order they ran. */
  private async appliedNames(): Promise<string[]> {
    const table = this.dataSource.options.migrationsTableName ?? 'migrations';
    if (!(await this.sql.tableExists(table))) return [];
    const rows = await this.sql.rows(`SELECT name FROM ${table} ORDER BY id`);
    return rows.map((row) => String(row.name));
  }

  private async shapes(): Promise<Map<string, TableShape>> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const shapes = new Map<string, TableShape>();
      for (const name of STEPTRAIL_TABLES) {
        const table = await runner.getTable(name);
        shapes.set(name, {
          exists: table !== undefined,
          columns: new Set(table?.columns.map((column) => column.name) ?? []),
          indexes: new Set([
            ...(table?.indices.map((index) => index.name ?? '') ?? []),
            ...(table?.uniques.map((unique) => unique.name ?? '') ?? []),
          ]),
        });
      }
      return shapes;
    } finally {
      await runner.release();
    }
  }
}

function diff(before: Map<string, TableShape>, after: Map<string, TableShape>): TableChange[] {
  const changes: TableChange[] = [];
  for (const [table, shape] of after) {
    const old = before.get(table);
    if (old === undefined || !shape.exists) continue;
    const change: TableChange = {
      table,
      created: !old.exists,
      addedColumns: old.exists ? [...shape.columns].filter((column) => !old.columns.has(column)) : [],
      addedIndexes: [...shape.indexes].filter((index) => index !== '' && !old.indexes.has(index)),
    };
    if (change.created || change.addedColumns.length > 0 || change.addedIndexes.length > 0)
      changes.push(change);
  }
  return changes;
}
