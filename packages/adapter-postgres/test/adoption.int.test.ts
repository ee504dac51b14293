import {
  DEFAULT_STALL_POLICY,
  LegacyMigration,
  PLAN_WORKFLOW_NAME,
  StallWatch,
  StatusQueries,
  StepTracker,
  type Clock,
} from '@steptrail/domain';
import { SCHEMA_PLAN } from '@steptrail/persistence-typeorm';
import { newFile } from '@steptrail/adapter-contract';
import { describe, expect, it } from 'vitest';
import { postgresMigrations } from '../migrations/index.js';
import { createPostgresDataSource, openPostgresStore } from '../src/index.js';
import { titleWithSkipReason } from '@steptrail/test-servers/backend-urls';
import { docuElevateSchemaMissing, docuElevateStatements } from '@steptrail/test-servers/docuelevate-schema';
import {
  DOCUELEVATE_TABLES,
  FILE,
  SEEDED,
  docuElevateRows,
  schemaShape,
  seedDocuElevateRows,
  tableNames,
} from './support/docuelevate-schema.js';
import { freshDatabase, migrate, postgresTitle, serverUrl, withClient } from './support/postgres-database.js';

const DOC_TABLES = DOCUELEVATE_TABLES;
const missingSchema = docuElevateSchemaMissing();
const at = (text: string): Date => new Date(text.replace(' ', 'T').replace(/\+00$/, 'Z'));
const fixedClock = (instant: Date): Clock => ({ now: () => new Date(instant) });

let databases = 0;
/** A fresh database per test, so each test runs on its own and in any order. */
const newDatabase = (label: string) => freshDatabase(`adapter_pg_adopt_${label}_${(databases += 1)}`);

const ALL_MIGRATIONS = [
  'InitialSchema1764300000000',
  'PartialWorkerIndexes1764300000002',
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
];

/** Reverts the newest `count` migrations (all of them by default). */
async function undoMigrations(url: string, count = postgresMigrations.length): Promise<void> {
  const dataSource = await createPostgresDataSource({ url, poolSize: 1 }).initialize();
  try {
    for (let index = 0; index < count; index += 1) await dataSource.undoLastMigration();
  } finally {
    await dataSource.destroy();
  }
}

/** Everything steptrail's plan says a migrated database has: column names and index names per table. */
async function plannedSchemaIsPresent(url: string): Promise<void> {
  await withClient(url, async (client) => {
    for (const table of SCHEMA_PLAN) {
      const shape = await schemaShape(client, [table.name]);
      const columns = shape.columns.map((line) => line.split(' ')[0]);
      expect(columns).toEqual(
        expect.arrayContaining(table.columns.map((column) => `${table.name}.${column.name}`)),
      );
      const indexNames = shape.indexes.map((line) => /INDEX (\S+) ON/.exec(line)?.[1]);
      expect(indexNames).toEqual(expect.arrayContaining(table.indexes.map((index) => index.name)));
    }
  });
}

const VARIANTS = [
  { kind: 'timestamptz', label: 'DocuElevate with DateTime(timezone=True) columns', naiveTimestamps: false },
  { kind: 'naive', label: 'an older DocuElevate with naive DateTime columns', naiveTimestamps: true },
] as const;

for (const { kind, label, naiveTimestamps } of VARIANTS)
  describe.skipIf(serverUrl === null || missingSchema !== null)(
    titleWithSkipReason(postgresTitle(`adopting ${label}`), missingSchema),
    () => {
      async function docuElevateDatabase(): Promise<string> {
        const url = await newDatabase(kind);
        await withClient(url, async (client) => {
          for (const statement of docuElevateStatements('postgres', { naiveTimestamps }))
            await client.query(statement);
          await seedDocuElevateRows(client);
        });
        return url;
      }

      const snapshot = (url: string) =>
        withClient(url, async (client) => ({
          rows: await docuElevateRows(client),
          schema: await schemaShape(client, DOC_TABLES),
        }));

      it('adds steptrail columns and indexes and leaves every existing row and DocuElevate definition unchanged', async () => {
        const url = await docuElevateDatabase();
        const before = await snapshot(url);
        expect(await migrate(url)).toEqual(ALL_MIGRATIONS);
        const after = await snapshot(url);

        expect(after.rows).toEqual(before.rows);
        expect(after.schema.columns).toEqual(expect.arrayContaining(before.schema.columns));
        expect(after.schema.indexes).toEqual(expect.arrayContaining(before.schema.indexes));
        expect(after.schema.constraints).toEqual(expect.arrayContaining(before.schema.constraints));
        await plannedSchemaIsPresent(url);
        // DocuElevate's tables are not recorded as steptrail's own; only the tables steptrail created itself.
        expect(
          await withClient(
            url,
            async (client) =>
              (
                await client.query<{ table_name: string }>(
                  'SELECT table_name FROM steptrail_schema_meta ORDER BY table_name',
                )
              ).rows,
          ),
        ).toEqual([
          { table_name: 'steptrail_bulk_operation_files' },
          { table_name: 'steptrail_bulk_operations' },
          { table_name: 'steptrail_event_receipts' },
          { table_name: 'steptrail_reconciler' },
          { table_name: 'steptrail_webhook_attempts' },
          { table_name: 'steptrail_webhook_deliveries' },
          { table_name: 'steptrail_webhooks' },
        ]);
      });

      it('schema down removes exactly what steptrail added and keeps DocuElevate tables, indexes and rows', async () => {
        const url = await docuElevateDatabase();
        const before = await snapshot(url);
        const tablesBefore = await withClient(url, tableNames);
        await migrate(url);
        await undoMigrations(url);

        expect(await snapshot(url)).toEqual(before);
        // TypeORM keeps its (now empty) migrations table, so `up` can run again later.
        expect(await withClient(url, tableNames)).toEqual([...tablesBefore, 'steptrail_migrations'].sort());
      });

      it('running the migrations again is a no-op', async () => {
        const url = await docuElevateDatabase();
        await migrate(url);
        const once = await snapshot(url);
        expect(await migrate(url)).toEqual([]);
        expect(await snapshot(url)).toEqual(once);
      });

      it('steptrail rebuilds steps from the legacy logs, reads DocuElevate instants exactly, and writes only its own file columns', async () => {
        const url = await docuElevateDatabase();
        await migrate(url);
        const filesBefore = (await withClient(url, docuElevateRows)).files ?? [];
        const now = new Date('2025-01-02T03:04:05.678Z');
        const store = await openPostgresStore({ url, poolSize: 2, clock: fixedClock(now) });
        try {
          const deps = { unitOfWork: store.unitOfWork, clock: fixedClock(now) };
          const migration = new LegacyMigration({ ...deps, reads: store.reads });
          const totals = await migration.migrateAllFiles({ mode: 'all' });
          // Repair mode takes every file: the duplicate has no logs, yet its rollup must say duplicate.
          expect(totals).toMatchObject({ totalFiles: 3, filesFailed: 0, errors: [] });
          expect((await store.reads.files.get(FILE.duplicate))?.rollup.status).toBe('duplicate');
          const clean = await migration.verifyMigration(FILE.logsOnly);
          expect(clean.ok && clean.value.discrepancies).toEqual([]);
          // DocuElevate's row with a legacy status and no log behind it is kept as it is, and reported.
          const planted = await migration.verifyMigration(FILE.processed);
          expect(
            planted.ok &&
              planted.value.discrepancies.map((found) => [
                found.kind,
                'stepName' in found ? found.stepName : null,
              ]),
          ).toEqual([['extra_step', 'upload_to_dropbox']]);
          expect(await store.reads.steps.get(FILE.processed, 'upload_to_dropbox')).toMatchObject({
            status: 'completed',
          });

          const hash = await store.reads.steps.get(FILE.logsOnly, 'hash_file');
          expect(hash).toMatchObject({
            status: 'success',
            startedAt: at(SEEDED.hashStarted),
            completedAt: at(SEEDED.hashDone),
          });
          const check = await store.reads.steps.get(FILE.logsOnly, 'check_text');
          expect(check).toMatchObject({
            status: 'failure',
            completedAt: at(SEEDED.textFailed),
            errorMessage: 'OCR engine timed out',
          });
          expect((await store.reads.files.get(FILE.processed))?.createdAt).toEqual(at(SEEDED.uploaded));

          const tracker = new StepTracker(deps);
          expect((await tracker.retryFailedSteps(FILE.logsOnly)).ok).toBe(true);
          const applied = await tracker.updateStepStatus(FILE.logsOnly, 'check_text', 'in_progress');
          expect(applied.ok && applied.value.step).toMatchObject({ status: 'in_progress', attempts: 2 });
          const detail = await new StatusQueries(store.reads).getFileDetail(FILE.logsOnly);
          expect(detail.ok && detail.value.status.status).toBe('processing');

          const created = await tracker.registerFile(newFile('adopted', { managed: true }));
          expect((await store.reads.files.get(created.id))?.createdAt).toEqual(now);
          expect((await withClient(url, docuElevateRows)).files?.slice(0, filesBefore.length)).toEqual(
            filesBefore,
          );
        } finally {
          await store.close();
        }
      });

      it('stall windows and ageing follow the workflow DocuElevate’s plan gives a file without steptrail’s snapshot', async () => {
        const url = await docuElevateDatabase();
        await migrate(url);
        const plan = JSON.stringify({
          version: 1,
          steps: [{ step_type: 'ocr', stages: ['hash_file', 'extract_text'] }],
        });
        // Written as DocuElevate writes: no steptrail column, times in UTC (naive columns take the offset off).
        const started = '2025-03-01 09:00:00+00';
        const fileId = await withClient(url, async (client) => {
          const inserted = await client.query<{ id: number }>(
            `INSERT INTO files (filehash, original_filename, local_filename, file_size, is_duplicate, legal_hold,
               workflow_plan, created_at) VALUES ('planned', 'p.pdf', '/workdir/p.pdf', 1, false, false, $1, $2)
             RETURNING id`,
            [plan, started],
          );
          const id = inserted.rows[0]?.id ?? 0;
          await client.query(
            `INSERT INTO file_processing_steps (file_id, step_name, status, started_at, created_at, updated_at)
             VALUES ($1, 'extract_text', 'in_progress', $2, $2, $2)`,
            [id, started],
          );
          return id;
        });
        const store = await openPostgresStore({ url, poolSize: 2 });
        try {
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
              clock: fixedClock(minutesIn(minutes)),
              policy,
            });
          const listed = async (minutes: number) =>
            (await watch(minutes).listStuck(null, 100)).items.map((item) => [item.reason, item.limitMs]);
          expect(await listed(20)).toEqual([]);
          expect(await watch(20).sweep()).toEqual([]);
          expect(await listed(35)).toEqual([['silent', 3_600_000]]);
          expect(await listed(61)).toEqual([['stalled', 3_600_000]]);
          expect(
            (await watch(61).sweep()).map((step) => [step.fileId, step.stepName, step.windowMs]),
          ).toEqual([[fileId, 'extract_text', 3_600_000]]);
        } finally {
          await store.close();
        }
      });
    },
  );

describe.skipIf(serverUrl === null)(postgresTitle('migrating a fresh PostgreSQL database'), () => {
  it('creates all three tables with every planned column and index, timestamps as timestamptz(6)', async () => {
    const url = await newDatabase('fresh');
    expect(await migrate(url)).toEqual(ALL_MIGRATIONS);
    await plannedSchemaIsPresent(url);
    const shape = await withClient(url, (client) =>
      schemaShape(
        client,
        SCHEMA_PLAN.map((table) => table.name),
      ),
    );
    expect(shape.columns).toContain('processing_logs.timestamp timestamp with time zone(6)');
    expect(shape.columns).toContain('file_processing_steps.lease_expires_at timestamp with time zone(6)');
    expect(shape.columns).toContain("files.id integer not null default nextval('files_id_seq'::regclass)");
    expect(shape.constraints).toContain('file_processing_steps.unique_file_step UNIQUE (file_id, step_name)');
    expect(shape.constraints).toContain(
      'file_processing_steps.file_processing_steps_file_id_fkey FOREIGN KEY (file_id) REFERENCES files(id)',
    );
  });

  it('a second run finds nothing to apply and changes nothing', async () => {
    const url = await newDatabase('fresh');
    await migrate(url);
    const tables = SCHEMA_PLAN.map((table) => table.name);
    const once = await withClient(url, (client) => schemaShape(client, tables));
    expect(await migrate(url)).toEqual([]);
    expect(await withClient(url, (client) => schemaShape(client, tables))).toEqual(once);
  });

  it('keeps only pending and in-progress steps in the worker indexes, and a revert indexes every step again', async () => {
    const url = await newDatabase('fresh');
    const definitions = () =>
      withClient(url, async (client) =>
        (
          await client.query<{ indexname: string; indexdef: string }>(
            `SELECT indexname, indexdef FROM pg_indexes
             WHERE tablename = 'file_processing_steps' AND indexname IN ('ix_steps_lease', 'ix_steps_runnable')
             ORDER BY indexname`,
          )
        ).rows.map((row) => `${row.indexname}: ${row.indexdef.replace(/^.* USING btree /, '')}`),
      );
    await migrate(url);
    expect(await definitions()).toEqual([
      "ix_steps_lease: (status, lease_expires_at) WHERE ((status)::text = 'in_progress'::text)",
      "ix_steps_runnable: (status, run_after) WHERE ((status)::text = 'pending'::text)",
    ]);
    // The newer migrations first (StepHeartbeats, FileTombstones, EventReceipts, RollupReconciler, OperationsSearchIndexes), then
    // PartialWorkerIndexes.
    // BulkOperationTables, WebhookTables, WebhookAttempts, DocumentColumns, WebhookMessageIds, ForeignRemovalNotes and LiveStatusCounts too.
    await undoMigrations(url, 13);
    expect(await definitions()).toEqual([
      'ix_steps_lease: (status, lease_expires_at)',
      'ix_steps_runnable: (status, run_after)',
    ]);
    expect(await withClient(url, tableNames)).not.toContain('steptrail_event_receipts');
    // A database migrated before the indexes were partial (and before receipts) gets them from the newer migrations.
    expect(await migrate(url)).toEqual([
      'PartialWorkerIndexes1764300000002',
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
    expect(await withClient(url, tableNames)).toContain('steptrail_event_receipts');
    expect(await definitions()).toHaveLength(2);
    expect((await definitions()).every((definition) => definition.includes(' WHERE '))).toBe(true);
  });

  it('schema down on a database steptrail created drops the tables it created', async () => {
    const url = await newDatabase('fresh');
    await migrate(url);
    await undoMigrations(url);
    expect(await withClient(url, tableNames)).toEqual(['steptrail_migrations']);
  });
});
