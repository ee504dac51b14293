import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  DEFAULT_STALL_POLICY,
  LegacyMigration,
  PLAN_WORKFLOW_NAME,
  StallWatch,
  StatusQueries,
  StepTracker,
  systemClock,
} from '@steptrail/domain';
import { newFile } from '@steptrail/adapter-contract';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteMigrations } from '../migrations/index.js';
import { createSqliteDataSource, openSqliteStore } from '../src/index.js';
import { docuElevateSchemaMissing } from '@steptrail/test-servers/docuelevate-schema';
import { titleWithSkipReason } from '@steptrail/test-servers/backend-urls';
import { createDocuElevateDatabase, docuElevateColumns, docuElevateRows } from './docuelevate-fixture.js';

const columnsOf = (path: string, table: string): string[] => {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map(
      (row) => row.name,
    );
  } finally {
    db.close();
  }
};

const missing = docuElevateSchemaMissing();

describe.skipIf(missing !== null)(
  titleWithSkipReason('adopting a DocuElevate SQLite database', missing),
  () => {
    let directory: string;
    let path: string;
    let columns: Record<string, string[]>;

    beforeEach(() => {
      directory = mkdtempSync(join(tmpdir(), 'steptrail-adopt-'));
      path = join(directory, 'docuelevate.db');
      createDocuElevateDatabase(path);
      columns = docuElevateColumns(path);
    });
    afterEach(() => rmSync(directory, { recursive: true, force: true }));

    async function migrate(): Promise<void> {
      const dataSource = await createSqliteDataSource({ path }).initialize();
      try {
        await dataSource.runMigrations();
      } finally {
        await dataSource.destroy();
      }
    }

    it('schema migrations add steptrail columns and indexes and change no existing row', async () => {
      const before = docuElevateRows(path, columns);
      await migrate();
      expect(docuElevateRows(path, columns)).toEqual(before);
      expect(columnsOf(path, 'files')).toEqual(
        expect.arrayContaining(['owner_id', 'ocr_text', 'processing_status', 'workflow', 'managed']),
      );
      expect(columnsOf(path, 'file_processing_steps')).toEqual(
        expect.arrayContaining([
          'attempts',
          'last_event_at',
          'last_event_id',
          'run_after',
          'lease_owner',
          'lease_expires_at',
        ]),
      );
      const db = new Database(path, { readonly: true });
      const indexes = (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as Array<{ name: string }>
      ).map((row) => row.name);
      db.close();
      expect(indexes).toEqual(
        expect.arrayContaining(['ix_processing_logs_file_step_time', 'ix_files_status_id']),
      );
    });

    it('running the migrations twice is a no-op', async () => {
      await migrate();
      const once = docuElevateRows(path, columns);
      await migrate();
      expect(docuElevateRows(path, columns)).toEqual(once);
    });

    it('undoing the migrations removes what steptrail added and keeps DocuElevate tables and rows', async () => {
      const before = docuElevateRows(path, columns);
      await migrate();
      const dataSource = await createSqliteDataSource({ path }).initialize();
      for (const _ of sqliteMigrations) await dataSource.undoLastMigration();
      await dataSource.destroy();
      expect(docuElevateRows(path, columns)).toEqual(before);
      expect(columnsOf(path, 'files')).not.toContain('processing_status');
      expect(columnsOf(path, 'file_processing_steps')).not.toContain('attempts');
    });

    it('keeps only pending and in-progress steps in the worker indexes, and a revert indexes every step again', async () => {
      const definitions = () => {
        const db = new Database(path, { readonly: true });
        const rows = db
          .prepare(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name IN ('ix_steps_lease', 'ix_steps_runnable') ORDER BY name",
          )
          .all() as Array<{ sql: string }>;
        db.close();
        return rows.map((row) => row.sql.replace(/^.* ON "file_processing_steps" /, ''));
      };
      await migrate();
      expect(definitions()).toEqual([
        `("status", "lease_expires_at") WHERE status = 'in_progress'`,
        `("status", "run_after") WHERE status = 'pending'`,
      ]);
      const dataSource = await createSqliteDataSource({ path }).initialize();
      // The newer migrations first (StepHeartbeats, FileTombstones, EventReceipts, RollupReconciler, OperationsSearchIndexes), then
      // PartialWorkerIndexes.
      // BulkOperationTables, WebhookTables, WebhookAttempts, DocumentColumns, WebhookMessageIds, ForeignRemovalNotes and LiveStatusCounts too.
      for (let undo = 0; undo < 13; undo += 1) await dataSource.undoLastMigration();
      await dataSource.destroy();
      expect(definitions()).toEqual(['("status", "lease_expires_at")', '("status", "run_after")']);
      await migrate();
      expect(definitions().every((definition) => definition.includes(' WHERE '))).toBe(true);
    });

    it('legacy text timestamps read back as UTC instants and the backfill gives files their status', async () => {
      await migrate();
      const store = await openSqliteStore({ path });
      try {
        const migration = new LegacyMigration({
          unitOfWork: store.unitOfWork,
          reads: store.reads,
          clock: systemClock,
        });
        const totals = await migration.migrateAllFiles({ mode: 'all' });
        expect(totals.filesFailed).toBe(0);
        const queries = new StatusQueries(store.reads);
        const file1 = await queries.getFileDetail(1);
        expect(file1.ok && file1.value.file.createdAt.toISOString()).toBe('2024-01-15T10:00:00.000Z');
        const steps = await queries.getFileStepStatus(1);
        expect(steps.ok && steps.value.check_text?.status).toBe('success');
        expect(steps.ok && steps.value.hash_file?.completedAt?.toISOString()).toBe(
          '2024-01-15T10:00:01.000Z',
        );
        const file2 = await store.reads.files.get(2);
        expect(file2?.rollup.status).toBe('failed');
        const failed = await store.reads.steps.get(2, 'hash_file');
        expect(failed?.errorMessage).toBe('Traceback: disk full');
        const tracker = new StepTracker({ unitOfWork: store.unitOfWork, clock: systemClock });
        const history = await store.reads.logs.listForFiles([1]);
        // DocuElevate declares processing_logs.file_id → files.id: delete leaves the row as a tombstone, so the
        // history keeps its file and nothing is lost (docs/architecture.md#deleting-files).
        expect((await tracker.deleteFile(1)).ok).toBe(true);
        expect(await store.reads.files.get(1)).toBeNull();
        expect(await store.reads.logs.listForFiles([1])).toEqual(history);
        // DocuElevate's files.legal_hold is NOT NULL without a default: a file steptrail registers must name it.
        const registered = await tracker.registerFile(newFile('adopted', { managed: true }));
        const db = new Database(path, { readonly: true });
        const tombstone = db.prepare('SELECT deleted_at FROM files WHERE id = 1').get() as {
          deleted_at: unknown;
        };
        const row = db.prepare('SELECT legal_hold, tenant_id FROM files WHERE id = ?').get(registered.id);
        db.close();
        expect(typeof tombstone.deleted_at).toBe('string');
        expect(row).toEqual({ legal_hold: 0, tenant_id: 'default' });
      } finally {
        await store.close();
      }
    });
    it('stall windows and ageing follow the workflow DocuElevate’s plan gives a file without steptrail’s snapshot', async () => {
      await migrate();
      const plan = JSON.stringify({
        version: 1,
        steps: [{ step_type: 'ocr', stages: ['hash_file', 'extract_text'] }],
      });
      const db = new Database(path);
      const fileId = Number(
        db
          .prepare(
            `INSERT INTO files (filehash, original_filename, local_filename, file_size, is_duplicate, legal_hold,
               workflow_plan, created_at) VALUES ('planned', 'p.pdf', '/workdir/p.pdf', 1, 0, 0, ?, ?)`,
          )
          .run(plan, '2025-03-01 09:00:00.000000').lastInsertRowid,
      );
      db.prepare(
        `INSERT INTO file_processing_steps (file_id, step_name, status, started_at, created_at, updated_at)
         VALUES (?, 'extract_text', 'in_progress', ?, ?, ?)`,
      ).run(fileId, ...Array<string>(3).fill('2025-03-01 09:00:00.000000'));
      db.close();
      const store = await openSqliteStore({ path });
      try {
        // Every step of the plan's workflow gets an hour; a file read with the default workflow would get 10 minutes.
        const policy = {
          ...DEFAULT_STALL_POLICY,
          workflowWindowsMs: { [PLAN_WORKFLOW_NAME]: { '*': 3_600_000 } },
        };
        const at = (minutes: number) => new Date(Date.parse('2025-03-01T09:00:00Z') + minutes * 60_000);
        const watch = (minutes: number) =>
          new StallWatch({
            unitOfWork: store.unitOfWork,
            reads: store.reads,
            clock: { now: () => at(minutes) },
            policy,
          });
        const listed = async (minutes: number) =>
          (await watch(minutes).listStuck(null, 100)).items.map((item) => [item.reason, item.limitMs]);
        expect(await listed(20)).toEqual([]);
        expect(await watch(20).sweep()).toEqual([]);
        expect(await listed(35)).toEqual([['silent', 3_600_000]]);
        expect(await listed(61)).toEqual([['stalled', 3_600_000]]);
        expect((await watch(61).sweep()).map((step) => [step.fileId, step.stepName, step.windowMs])).toEqual([
          [fileId, 'extract_text', 3_600_000],
        ]);
      } finally {
        await store.close();
      }
    });
  },
);
