import { StepTracker, systemClock } from '@steptrail/domain';
import { applySchemaPlan, SCHEMA_PLAN, type SchemaDialect } from '@steptrail/persistence-typeorm';
import type { DataSource } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';
import { mysqlSchemaDialect } from '../migrations/mysql-schema-dialect.js';
import { openMysqlStore } from '../src/index.js';
import {
  DOCUELEVATE_DDL,
  DOCUELEVATE_DDL_WITHOUT_LOG_FILE_INDEX,
  DOCUELEVATE_ROWS,
} from './support/docuelevate-schema.js';
import { connect, freshDatabase, mysqlTitle, noMysql } from './support/mysql-test-database.js';
import {
  docuElevateRows,
  docuElevateSchema,
  tableNames,
  tableRows,
  tableSchema,
} from './support/schema-snapshot.js';

const STEPTRAIL_TABLES = [
  'file_processing_steps',
  'files',
  'processing_logs',
  'steptrail_migrations',
  'steptrail_schema_meta',
].sort();

describe.skipIf(noMysql)(mysqlTitle('steptrail migrations on MySQL/MariaDB'), () => {
  const opened: DataSource[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((dataSource) => dataSource.destroy()));
  });

  /** A data source on a new database, optionally filled by DocuElevate first. */
  async function database(name: string, statements: readonly string[] = []): Promise<DataSource> {
    const dataSource = await connect(await freshDatabase(name), 1);
    opened.push(dataSource);
    for (const statement of statements) await dataSource.query(statement);
    return dataSource;
  }

  const docuElevate = (name: string, ddl = DOCUELEVATE_DDL) => database(name, [...ddl, ...DOCUELEVATE_ROWS]);
  const undo = (dataSource: DataSource) => dataSource.undoLastMigration({ transaction: 'none' });

  describe('adopting a DocuElevate database', () => {
    it('changes no existing row in any of DocuElevate’s columns', async () => {
      const dataSource = await docuElevate('st_adopt_rows');
      const before = await docuElevateRows(dataSource);

      await dataSource.runMigrations();

      for (const [table, rows] of Object.entries(before)) {
        const columns = Object.keys(rows[0] ?? {});
        expect(await tableRows(dataSource, table, columns)).toEqual(rows);
      }
    });

    it('adds steptrail’s columns, filled with their defaults, and its indexes, next to DocuElevate’s', async () => {
      const dataSource = await docuElevate('st_adopt_additions');
      const before = await docuElevateSchema(dataSource);

      await dataSource.runMigrations();

      for (const table of SCHEMA_PLAN) {
        const schema = await tableSchema(dataSource, table.name);
        const columnNames = schema.columns.map((column) => column.name);
        expect(columnNames).toEqual(expect.arrayContaining(table.columns.map((column) => column.name)));
        const indexNames = schema.indexes.map((index) => index.name);
        expect(indexNames).toEqual(expect.arrayContaining(table.indexes.map((index) => index.name)));
        expect(indexNames).toEqual(
          expect.arrayContaining((before[table.name]?.indexes ?? []).map((index) => index.name)),
        );
        expect(schema.foreignKeys).toEqual(before[table.name]?.foreignKeys);
      }
      expect(
        await tableRows(dataSource, 'files', [
          'id',
          'processing_status',
          'managed',
          'has_errors',
          'total_steps',
          'workflow',
        ]),
      ).toEqual([
        { id: 1, processing_status: 'pending', managed: 0, has_errors: 0, total_steps: 0, workflow: null },
        { id: 2, processing_status: 'pending', managed: 0, has_errors: 0, total_steps: 0, workflow: null },
        { id: 3, processing_status: 'pending', managed: 0, has_errors: 0, total_steps: 0, workflow: null },
      ]);
      // DocuElevate's ix_files_filehash is the index steptrail plans; it is adopted, not doubled.
      const onFilehash = (await tableSchema(dataSource, 'files')).indexes.filter(
        (index) => index.columns === 'filehash',
      );
      expect(onFilehash.map((index) => index.name)).toEqual(['ix_files_filehash']);
    });

    it('undoing the migration restores DocuElevate’s table definitions and rows exactly', async () => {
      const dataSource = await docuElevate('st_adopt_undo');
      const [schema, rows] = [await docuElevateSchema(dataSource), await docuElevateRows(dataSource)];

      await dataSource.runMigrations();
      await undo(dataSource);

      expect(await docuElevateSchema(dataSource)).toEqual(schema);
      expect(await docuElevateRows(dataSource)).toEqual(rows);
      expect(await tableNames(dataSource)).not.toContain('steptrail_schema_meta');
    });

    it('undoing gives back the index InnoDB had made for a foreign key that only steptrail’s indexes served', async () => {
      const dataSource = await docuElevate('st_adopt_fk_index', DOCUELEVATE_DDL_WITHOUT_LOG_FILE_INDEX);
      const schema = await docuElevateSchema(dataSource);
      expect(schema.processing_logs?.indexes.map((index) => index.name)).toContain('file_id');

      await dataSource.runMigrations();
      await undo(dataSource);

      expect(await docuElevateSchema(dataSource)).toEqual(schema);
    });

    it('a run that failed half-way (MySQL DDL does not roll back) is completed by running the migrations again', async () => {
      const clean = await docuElevate('st_adopt_clean');
      await clean.runMigrations();
      const interrupted = await docuElevate('st_adopt_interrupted');
      // Fails on the last index of the plan, after every column and the other indexes were committed.
      const failing: SchemaDialect = {
        ...mysqlSchemaDialect,
        createIndex: (table, index) =>
          index.name === 'ix_processing_logs_file_time'
            ? 'SELECT no_such_column FROM dual'
            : mysqlSchemaDialect.createIndex(table, index),
      };
      const runner = interrupted.createQueryRunner();
      await expect(applySchemaPlan(runner, failing)).rejects.toThrow(/no_such_column/);
      await runner.release();

      await interrupted.runMigrations();

      expect(await docuElevateSchema(interrupted)).toEqual(await docuElevateSchema(clean));
      expect(await docuElevateRows(interrupted)).toEqual(await docuElevateRows(clean));
    });

    it('lets steptrail record events for DocuElevate’s files, next to their history', async () => {
      const dataSource = await docuElevate('st_adopt_use');
      await dataSource.runMigrations();
      const store = await openMysqlStore({ url: urlOf(dataSource), poolSize: 2 });
      try {
        const tracker = new StepTracker({ unitOfWork: store.unitOfWork, clock: systemClock });
        const applied = await tracker.updateStepStatus(1, 'extract_text', 'in_progress', {
          message: 'retried by steptrail',
        });
        expect(applied.ok).toBe(true);
        const step = await store.reads.steps.get(1, 'extract_text');
        expect(step).toMatchObject({ status: 'in_progress', errorMessage: 'OCR timeout – 60 s' });
        const history = await store.reads.logs.listForStep(1, 'extract_text');
        expect(history.map((log) => log.message)).toEqual(['OCR timeout – 60 s', 'retried by steptrail']);
      } finally {
        await store.close();
      }
    });
  });

  describe('a new database', () => {
    it('gets steptrail’s tables with every planned column, index and foreign key', async () => {
      const dataSource = await database('st_fresh_create');

      await dataSource.runMigrations();

      expect((await tableNames(dataSource)).sort()).toEqual(STEPTRAIL_TABLES);
      for (const table of SCHEMA_PLAN) {
        const schema = await tableSchema(dataSource, table.name);
        expect(schema.columns.map((column) => column.name)).toEqual(
          table.columns.map((column) => column.name),
        );
        expect(schema.indexes.map((index) => index.name)).toEqual(
          expect.arrayContaining(['PRIMARY', ...table.indexes.map((index) => index.name)]),
        );
        expect(schema.options).toEqual({ engine: 'InnoDB', rowFormat: 'Dynamic', collation: 'utf8mb4_bin' });
      }
      expect(
        (await tableSchema(dataSource, 'processing_logs')).columns.find(
          (column) => column.name === 'timestamp',
        )?.type,
      ).toBe('datetime(6)');
      expect((await tableSchema(dataSource, 'file_processing_steps')).foreignKeys).toEqual([
        { name: 'fk_file_processing_steps_file_id', columns: 'file_id', parent: 'files' },
      ]);
      expect((await tableSchema(dataSource, 'files')).foreignKeys).toEqual([
        { name: 'fk_files_duplicate_of_id', columns: 'duplicate_of_id', parent: 'files' },
      ]);
    });

    it('running the migrations a second time, or the schema plan again, changes nothing', async () => {
      const dataSource = await database('st_fresh_twice');
      await dataSource.runMigrations();
      const schema = await docuElevateSchema(dataSource);

      expect(await dataSource.runMigrations()).toEqual([]);
      const runner = dataSource.createQueryRunner();
      await applySchemaPlan(runner, mysqlSchemaDialect);
      await runner.release();

      expect(await docuElevateSchema(dataSource)).toEqual(schema);
    });

    it('migrates and undoes inside TypeORM transactions too, as the migrator asks for them', async () => {
      const dataSource = await database('st_fresh_tx_modes');

      expect(
        (await dataSource.runMigrations({ transaction: 'each' })).map((migration) => migration.name),
      ).toEqual(['InitialSchema1764300000000']);
      await dataSource.undoLastMigration({ transaction: 'all' });

      expect(await tableNames(dataSource)).toEqual(['steptrail_migrations']);
    });

    it('undoing the migration drops every table steptrail created', async () => {
      const dataSource = await database('st_fresh_undo');
      await dataSource.runMigrations();

      await undo(dataSource);

      expect(await tableNames(dataSource)).toEqual(['steptrail_migrations']);
    });
  });
});

/** The URL a data source was opened with (the helpers only hand out data sources). */
function urlOf(dataSource: DataSource): string {
  const options = dataSource.options;
  if (options.type !== 'mysql') throw new Error('not a MySQL data source');
  return `mysql://${options.username ?? 'root'}:${options.password ?? ''}@${options.host ?? '127.0.0.1'}:${options.port ?? 3306}/${options.database ?? ''}`;
}
