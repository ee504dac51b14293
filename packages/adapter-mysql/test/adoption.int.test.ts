import {
  DEFAULT_STALL_POLICY,
  PLAN_WORKFLOW_NAME,
  StallWatch,
  StepTracker,
  systemClock,
} from '@steptrail/domain';
import {
  applySchemaPlan,
  SCHEMA_PLAN,
  type SchemaDialect,
  type TypeormStore,
} from '@steptrail/persistence-typeorm';
import type { DataSource, QueryRunner } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';
import { InitialSchema1764300000000 } from '../migrations/1764300000000-initial-schema.js';
import { mysqlMigrations } from '../migrations/index.js';
import { widenLegacyColumns } from '../migrations/legacy-column-widening.js';
import { mysqlSchemaDialect } from '../migrations/mysql-schema-dialect.js';
import { openMysqlStore } from '../src/index.js';
import { docuElevateSchemaMissing } from '@steptrail/test-servers/docuelevate-schema';
import {
  DOCUELEVATE_ROWS,
  docuElevateDdl,
  docuElevateDdlHandTuned,
  docuElevateDdlWithoutLogFileIndex,
} from './support/docuelevate-schema.js';
import { connect, freshDatabase, mysqlTitle, noMysql } from './support/mysql-test-database.js';
import { titleWithSkipReason } from '@steptrail/test-servers/backend-urls';
import {
  docuElevateCreateStatements,
  docuElevateRows,
  docuElevateSchema,
  DOCUELEVATE_TABLES,
  exactDocuElevateRows,
  exactRows,
  rowsOf,
  tableNames,
  tableRows,
  tableSchema,
} from './support/schema-snapshot.js';

const missingSchema = docuElevateSchemaMissing();

const STEPTRAIL_TABLES = [
  'steptrail_bulk_operation_files',
  'steptrail_bulk_operations',
  'file_processing_steps',
  'files',
  'processing_logs',
  'steptrail_event_receipts',
  'steptrail_migrations',
  'steptrail_reconciler',
  'steptrail_schema_meta',
  'steptrail_webhook_attempts',
  'steptrail_webhook_deliveries',
  'steptrail_webhooks',
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

  const docuElevate = (name: string, ddl = docuElevateDdl) => database(name, [...ddl(), ...DOCUELEVATE_ROWS]);
  const undo = (dataSource: DataSource) => dataSource.undoLastMigration({ transaction: 'none' });
  /** Undoes every migration, newest first, as `schema down --to` the first one and then that one would. */
  const undoAll = async (dataSource: DataSource) => {
    for (const _migration of mysqlMigrations) await undo(dataSource);
  };

  describe.skipIf(missingSchema !== null)(
    titleWithSkipReason('adopting a DocuElevate database', missingSchema),
    () => {
      it('changes no existing row in any of DocuElevate’s columns, to the microsecond', async () => {
        const dataSource = await docuElevate('st_adopt_rows');
        const before = await docuElevateRows(dataSource);
        const exactBefore = await exactDocuElevateRows(dataSource);

        await dataSource.runMigrations();

        for (const [table, rows] of Object.entries(before)) {
          const columns = Object.keys(rows[0] ?? {});
          expect(await tableRows(dataSource, table, columns)).toEqual(rows);
          expect(await exactRows(dataSource, table, columns)).toEqual(exactBefore[table]);
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
          expect(schema.foreignKeys).toEqual(before[table.name]?.foreignKeys ?? []);
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

      it('undoing the migrations restores DocuElevate’s table definitions and rows exactly', async () => {
        const dataSource = await docuElevate('st_adopt_undo');
        const [schema, rows] = [await docuElevateSchema(dataSource), await exactDocuElevateRows(dataSource)];
        const statements = await docuElevateCreateStatements(dataSource);
        const tables = await tableNames(dataSource);

        await dataSource.runMigrations();
        await undoAll(dataSource);

        expect(await docuElevateSchema(dataSource)).toEqual(schema);
        expect(await docuElevateCreateStatements(dataSource)).toEqual(statements);
        expect(await exactDocuElevateRows(dataSource)).toEqual(rows);
        expect((await tableNames(dataSource)).sort()).toEqual([...tables, 'steptrail_migrations'].sort());
      });

      it('undoing gives back the index InnoDB had made for a foreign key that only steptrail’s indexes served', async () => {
        const dataSource = await docuElevate('st_adopt_fk_index', docuElevateDdlWithoutLogFileIndex);
        const schema = await docuElevateSchema(dataSource);
        expect(schema.processing_logs?.indexes.map((index) => index.name)).toContain('file_id');

        await dataSource.runMigrations();
        await undoAll(dataSource);

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
        await withTracker(dataSource, async (tracker, store) => {
          const applied = await tracker.updateStepStatus(1, 'extract_text', 'in_progress', {
            message: 'retried by steptrail',
          });
          expect(applied.ok).toBe(true);
          const step = await store.reads.steps.get(1, 'extract_text');
          expect(step).toMatchObject({ status: 'in_progress', errorMessage: 'OCR timeout – 60 s' });
          const history = await store.reads.logs.listForStep(1, 'extract_text');
          expect(history.map((log) => log.message)).toEqual(['OCR timeout – 60 s', 'retried by steptrail']);
        });
      });

      it('stall windows and ageing follow the workflow DocuElevate’s plan gives a file without steptrail’s snapshot', async () => {
        const dataSource = await docuElevate('st_adopt_plan_stall');
        await dataSource.runMigrations();
        const plan = JSON.stringify({
          version: 1,
          steps: [{ step_type: 'ocr', stages: ['hash_file', 'extract_text'] }],
        });
        // Written as DocuElevate writes: no steptrail column, naive UTC times.
        const started = '2025-03-01 09:00:00.000000';
        const inserted = await dataSource.query<{ insertId: number }>(
          `INSERT INTO files (filehash, original_filename, local_filename, file_size, is_duplicate, legal_hold,
             workflow_plan, created_at) VALUES ('planned', 'p.pdf', '/workdir/p.pdf', 1, 0, 0, ?, ?)`,
          [plan, started],
        );
        const fileId = inserted.insertId;
        await dataSource.query(
          `INSERT INTO file_processing_steps (file_id, step_name, status, started_at, created_at, updated_at)
           VALUES (?, 'extract_text', 'in_progress', ?, ?, ?)`,
          [fileId, started, started, started],
        );
        await withTracker(dataSource, async (_tracker, store) => {
          // Every step of the plan's workflow gets an hour; the default workflow would give 10 minutes.
          const policy = {
            ...DEFAULT_STALL_POLICY,
            workflowWindowsMs: { [PLAN_WORKFLOW_NAME]: { '*': 3_600_000 } },
          };
          const minutesIn = (minutes: number) =>
            new Date(Date.parse('2025-03-01T09:00:00Z') + minutes * 60_000);
          const watch = (minutes: number) =>
            new StallWatch({
              unitOfWork: store.unitOfWork,
              reads: store.reads,
              clock: { now: () => minutesIn(minutes) },
              policy,
            });
          // The seeded rows hold a step in progress since 2024 under the default workflow: only the planned file here.
          const listed = async (minutes: number) =>
            (await watch(minutes).listStuck(null, 100)).items
              .filter((item) => item.fileId === fileId)
              .map((item) => [item.reason, item.limitMs]);
          const swept = async (minutes: number) =>
            (await watch(minutes).sweep())
              .filter((step) => step.fileId === fileId)
              .map((step) => [step.stepName, step.windowMs]);
          expect(await listed(20)).toEqual([]);
          expect(await swept(20)).toEqual([]);
          expect(await listed(35)).toEqual([['silent', 3_600_000]]);
          expect(await listed(61)).toEqual([['stalled', 3_600_000]]);
          expect(await swept(61)).toEqual([['extract_text', 3_600_000]]);
        });
      });
    },
  );

  describe.skipIf(missingSchema !== null)(
    titleWithSkipReason('widening what DocuElevate declares narrower than steptrail writes', missingSchema),
    () => {
      it('widens whole-second DATETIMEs to DATETIME(6) and the VARCHAR message to TEXT, and no other column', async () => {
        const dataSource = await docuElevate('st_widen_types');
        const before = await docuElevateSchema(dataSource);

        await dataSource.runMigrations();

        const after = await docuElevateSchema(dataSource);
        for (const table of DOCUELEVATE_TABLES) {
          for (const column of before[table]?.columns ?? []) {
            const name = String(column.name);
            expect(
              after[table]?.columns.find((found) => found.name === name),
              `${table}.${name}`,
            ).toEqual({
              ...column,
              ...WIDENED[table]?.[name],
            });
          }
        }
      });

      it('keeps a hand-tuned column’s comment, NOT NULL and ON UPDATE, leaves a DATETIME(3) alone, and undoing restores each', async () => {
        const dataSource = await docuElevate('st_widen_tuned', docuElevateDdlHandTuned);
        const [schema, rows] = [await docuElevateSchema(dataSource), await exactDocuElevateRows(dataSource)];
        const statements = await docuElevateCreateStatements(dataSource);

        await dataSource.runMigrations();

        const column = async (table: string, name: string) =>
          (await tableSchema(dataSource, table)).columns.find((found) => found.name === name);
        expect(await column('processing_logs', 'task_id')).toMatchObject({
          type: 'varchar(255)',
          nullable: 'YES',
          comment: "Celery's task id",
        });
        expect(await column('processing_logs', 'status')).toMatchObject({ type: 'varchar(255)' });
        expect(await column('file_processing_steps', 'updated_at')).toMatchObject({
          type: 'datetime(6)',
          nullable: 'NO',
          defaultValue: CURRENT_TIMESTAMP_6,
          extra: ON_UPDATE_CURRENT_TIMESTAMP_6,
          comment: 'set by DEFAULT current_timestamp()',
        });
        expect(await column('files', 'created_at')).toEqual(
          schema.files?.columns.find((found) => found.name === 'created_at'),
        );

        await undoAll(dataSource);

        expect(await docuElevateSchema(dataSource)).toEqual(schema);
        expect(await docuElevateCreateStatements(dataSource)).toEqual(statements);
        expect(await exactDocuElevateRows(dataSource)).toEqual(rows);
      });

      it('records each widened column’s original definition, and undoing the widening alone gives each back', async () => {
        const dataSource = await docuElevate('st_widen_record');
        const before = await docuElevateSchema(dataSource);
        await dataSource.runMigrations();

        const records = await rowsOf(dataSource, 'SELECT * FROM steptrail_widened_columns');
        expect(
          records.map((record) => `${String(record.table_name)}.${String(record.column_name)}`).sort(),
        ).toEqual(
          Object.entries(WIDENED)
            .flatMap(([table, columns]) => Object.keys(columns).map((name) => `${table}.${name}`))
            .sort(),
        );
        for (const record of records) {
          const original = before[String(record.table_name)]?.columns.find(
            (column) => column.name === record.column_name,
          );
          expect(record).toMatchObject({
            column_type: original?.type,
            is_nullable: original?.nullable,
            column_default: original?.defaultValue,
            extra: original?.extra,
          });
        }
        // The newer migrations first (StepHeartbeats, FileTombstones, event receipts, RollupReconciler, OperationsSearchIndexes), then
        // the widening.
        await undo(dataSource); // LiveStatusCounts
        await undo(dataSource); // WebhookMessageIds
        await undo(dataSource); // ForeignRemovalNotes
        await undo(dataSource); // DocumentColumns
        await undo(dataSource); // WebhookAttempts
        await undo(dataSource); // WebhookTables
        await undo(dataSource); // BulkOperationTables
        await undo(dataSource);
        await undo(dataSource);
        await undo(dataSource);
        expect(await tableNames(dataSource)).not.toContain('steptrail_event_receipts');
        await undo(dataSource);
        await undo(dataSource);
        await undo(dataSource);

        const after = await docuElevateSchema(dataSource);
        for (const table of DOCUELEVATE_TABLES) {
          const names = new Set(before[table]?.columns.map((column) => column.name));
          expect(after[table]?.columns.filter((column) => names.has(column.name))).toEqual(
            before[table]?.columns,
          );
        }
        expect(await tableNames(dataSource)).not.toContain('steptrail_widened_columns');
        expect(await tableNames(dataSource)).toContain('steptrail_schema_meta');
      });

      it('an event recorded with a millisecond time reads back to the millisecond, and one arriving late within the same second folds in (timestamp, id) order', async () => {
        const dataSource = await docuElevate('st_widen_millis');
        await dataSource.runMigrations();
        const [succeeded, failedEarlier] = [
          new Date('2024-03-03T08:00:00.700Z'),
          new Date('2024-03-03T08:00:00.300Z'),
        ];

        await withTracker(dataSource, async (tracker, store) => {
          const step = 'send_to_all_destinations';
          expect((await tracker.updateStepStatus(1, step, 'success', { occurredAt: succeeded })).ok).toBe(
            true,
          );
          const late = { occurredAt: failedEarlier, errorMessage: 'late report of an earlier failure' };
          expect((await tracker.updateStepStatus(1, step, 'failure', late)).ok).toBe(true);

          const history = await store.reads.logs.listForStep(1, step);
          expect(history.map((log) => [log.status, log.occurredAt.toISOString()])).toEqual([
            ['failure', failedEarlier.toISOString()],
            ['success', succeeded.toISOString()],
          ]);
          expect(await store.reads.steps.get(1, step)).toMatchObject({
            status: 'success',
            startedAt: failedEarlier,
            completedAt: succeeded,
            errorMessage: null,
          });
        });
        const stored = await rowsOf(
          dataSource,
          `SELECT DATE_FORMAT(timestamp, '%H:%i:%s.%f') AS at FROM processing_logs
         WHERE step_name = 'send_to_all_destinations' ORDER BY timestamp, id`,
        );
        expect(stored.map((row) => row.at)).toEqual(['08:00:00.300000', '08:00:00.700000']);
      });

      it('stores a log message longer than DocuElevate’s VARCHAR(255) whole', async () => {
        const dataSource = await docuElevate('st_widen_message');
        await dataSource.runMigrations();
        const message = `Traceback – ${'ä€🧾 '.repeat(400)}`;

        await withTracker(dataSource, async (tracker, store) => {
          const failed = await tracker.updateStepStatus(3, 'hash_file', 'failure', { errorMessage: message });
          expect(failed.ok).toBe(true);
          const history = await store.reads.logs.listForStep(3, 'hash_file');
          expect(history.at(-1)?.message).toBe(message);
        });
      });

      it('running the migrations again, or the widening alone, changes nothing', async () => {
        const dataSource = await docuElevate('st_widen_twice');
        await dataSource.runMigrations();
        const schema = await docuElevateCreateStatements(dataSource);
        const records = await rowsOf(
          dataSource,
          'SELECT * FROM steptrail_widened_columns ORDER BY table_name, column_name',
        );

        expect(await dataSource.runMigrations()).toEqual([]);
        await withRunner(dataSource, widenLegacyColumns);

        expect(await docuElevateCreateStatements(dataSource)).toEqual(schema);
        expect(
          await rowsOf(
            dataSource,
            'SELECT * FROM steptrail_widened_columns ORDER BY table_name, column_name',
          ),
        ).toEqual(records);
      });

      it('a widening that stopped before its last ALTER is finished by running the migrations again, and undone exactly', async () => {
        const dataSource = await docuElevate('st_widen_interrupted');
        const [schema, statements] = [
          await docuElevateSchema(dataSource),
          await docuElevateCreateStatements(dataSource),
        ];
        await withRunner(dataSource, (runner) => new InitialSchema1764300000000().up(runner));
        await withRunner(dataSource, (runner) =>
          expect(widenLegacyColumns(stopBefore(runner, /^ALTER TABLE `processing_logs`/))).rejects.toThrow(
            /stopped/,
          ),
        );
        const logTimestamp = async () =>
          (await tableSchema(dataSource, 'processing_logs')).columns.find(
            (column) => column.name === 'timestamp',
          )?.type;
        expect(await logTimestamp()).toBe('datetime');

        await dataSource.runMigrations();
        expect(await logTimestamp()).toBe('datetime(6)');
        await undoAll(dataSource);

        expect(await docuElevateSchema(dataSource)).toEqual(schema);
        expect(await docuElevateCreateStatements(dataSource)).toEqual(statements);
      });
    },
  );

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

    it('the widening finds nothing to widen in the tables steptrail created itself', async () => {
      const dataSource = await database('st_fresh_widen');
      await withRunner(dataSource, (runner) => new InitialSchema1764300000000().up(runner));
      const [names, statements] = [
        await tableNames(dataSource),
        await docuElevateCreateStatements(dataSource),
      ];

      await withRunner(dataSource, widenLegacyColumns);

      expect(await tableNames(dataSource)).toEqual(names);
      expect(await docuElevateCreateStatements(dataSource)).toEqual(statements);
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
      ).toEqual([
        'InitialSchema1764300000000',
        'WidenLegacyColumns1764300000001',
        'OperationsSearchIndexes1764300001300',
        'RollupReconciler1764300001400',
        'EventReceipts1764300001500',
        'FileTombstones1764300001600',
        'StepHeartbeats1764300001700',
        'BulkOperationTables1764300001800',
        'WebhookTables1764300001900',
        'WebhookAttempts1764400000100',
        'DocumentColumns1764500000000',
        'WebhookMessageIds1764600000000',
        'ForeignRemovalNotes1764600000100',
        'LiveStatusCounts1764600000200',
      ]);
      await dataSource.undoLastMigration({ transaction: 'all' });
      for (let undo = 0; undo < 13; undo += 1) await dataSource.undoLastMigration({ transaction: 'each' });

      expect(await tableNames(dataSource)).toEqual(['steptrail_migrations']);
    });

    it('undoing the migration drops every table steptrail created', async () => {
      const dataSource = await database('st_fresh_undo');
      await dataSource.runMigrations();

      await undoAll(dataSource);

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

/** What an adopted table's columns look like after widening, where they differ from DocuElevate's. */
const CURRENT_TIMESTAMP_6: unknown = expect.stringMatching(/^current_timestamp\(6\)$/i);
// MySQL 8 adds DEFAULT_GENERATED to EXTRA; MariaDB writes the clause only.
const ON_UPDATE_CURRENT_TIMESTAMP_6: unknown = expect.stringMatching(
  /^(DEFAULT_GENERATED )?on update current_timestamp\(6\)$/i,
);
const WIDENED: Readonly<Record<string, Readonly<Record<string, Record<string, unknown>>>>> = {
  files: { created_at: { type: 'datetime(6)', defaultValue: CURRENT_TIMESTAMP_6 } },
  file_processing_steps: {
    started_at: { type: 'datetime(6)' },
    completed_at: { type: 'datetime(6)' },
    created_at: { type: 'datetime(6)', defaultValue: CURRENT_TIMESTAMP_6 },
    updated_at: { type: 'datetime(6)', defaultValue: CURRENT_TIMESTAMP_6 },
  },
  processing_logs: {
    message: { type: 'text' },
    timestamp: { type: 'datetime(6)', defaultValue: CURRENT_TIMESTAMP_6 },
  },
};

async function withRunner(
  dataSource: DataSource,
  work: (runner: QueryRunner) => Promise<unknown>,
): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await work(runner);
  } finally {
    await runner.release();
  }
}

/** A store and a tracker on the database of `dataSource`, closed after `work`. */
async function withTracker(
  dataSource: DataSource,
  work: (tracker: StepTracker, store: TypeormStore) => Promise<void>,
): Promise<void> {
  const store = await openMysqlStore({ url: urlOf(dataSource), poolSize: 2 });
  try {
    await work(new StepTracker({ unitOfWork: store.unitOfWork, clock: systemClock }), store);
  } finally {
    await store.close();
  }
}

/** `runner`, except that the first statement matching `statement` fails, as if the process had died there. */
function stopBefore(runner: QueryRunner, statement: RegExp): QueryRunner {
  return new Proxy(runner, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver) as unknown;
      return (sql: string, parameters?: unknown[]): Promise<unknown> =>
        statement.test(sql)
          ? Promise.reject(new Error(`stopped before ${sql}`))
          : target.query(sql, parameters);
    },
  });
}
