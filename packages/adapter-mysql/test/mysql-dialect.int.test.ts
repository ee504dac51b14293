import { DEFAULT_WORKFLOW, type FoldedStep, type Store } from '@steptrail/domain';
import { SqlExecutor } from '@steptrail/persistence-typeorm';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlDialect, openMysqlStore, requireUnitAutoIncrement } from '../src/index.js';
import { readAutoIncrementStep } from '../src/mysql-dialect.js';
import {
  connect,
  freshDatabase,
  migrate,
  mysqlTitle,
  noMysql,
  signal,
} from './support/mysql-test-database.js';

const dialect = mysqlDialect();

const newFile = (tag: string) => ({
  filehash: tag,
  originalFilename: `${tag}.pdf`,
  localFilename: `/tmp/${tag}.pdf`,
  fileSize: 1,
  mimeType: 'application/pdf',
  workflow: DEFAULT_WORKFLOW,
  managed: true,
});

const running: FoldedStep = {
  status: 'in_progress',
  startedAt: new Date('2025-03-01T12:00:00.000Z'),
  completedAt: null,
  errorMessage: null,
  attempts: 1,
  lastEvent: null,
};

describe.skipIf(noMysql)(mysqlTitle('MySQL dialect on a real server'), () => {
  let dataSource: DataSource;
  let store: Store;
  let other: Store;
  let sql: SqlExecutor;

  beforeAll(async () => {
    const url = await freshDatabase('steptrail_mysql_dialect');
    await migrate(url);
    dataSource = await connect(url);
    store = await openMysqlStore({ url, poolSize: 4 });
    other = await openMysqlStore({ url, poolSize: 2 });
    sql = new SqlExecutor(dataSource, dialect, null);
  });

  afterAll(async () => {
    await store?.close();
    await other?.close();
    await dataSource?.destroy();
  });

  it('insertIgnore reports one affected row for a new step and none for a duplicate', async () => {
    const file = await store.reads.files.create(newFile('ignore'));
    const { head, tail } = dialect.sql.insertIgnore(
      'file_processing_steps',
      ['file_id', 'step_name', 'status'],
      ['file_id', 'step_name'],
    );
    const insert = () =>
      sql.write(`${head} VALUES (:fileId, 'hash_file', 'pending')${tail}`, { fileId: file.id });
    expect((await insert()).affected).toBe(1);
    expect((await insert()).affected).toBe(0);
  });

  it('an UPDATE that matches a row without changing it still counts it, so renewing a lease to the same expiry keeps it', async () => {
    const file = await store.reads.files.create(newFile('renew'));
    const step = { fileId: file.id, stepName: 'hash_file' };
    const expiresAt = new Date('2025-03-01T12:00:30.000Z');
    const renewed = await store.unitOfWork.transaction(async (repos) => {
      await repos.steps.saveStates([
        { ...step, state: running, runAfter: null, lease: { owner: 'worker-1', expiresAt } },
      ]);
      return [
        await repos.queue.renewLeases('worker-1', [step], expiresAt),
        await repos.queue.renewLeases('worker-1', [step], expiresAt),
      ];
    });
    expect(renewed).toEqual([[step], [step]]);
  });

  it('the upsert of saveState overwrites an existing step row instead of adding one', async () => {
    const file = await store.reads.files.create(newFile('upsert'));
    await store.unitOfWork.transaction(async (repos) => {
      await repos.steps.createMissing(file.id, ['hash_file'], null);
      await repos.steps.saveState(file.id, 'hash_file', running);
      await repos.steps.saveState(file.id, 'hash_file', {
        ...running,
        status: 'success',
        completedAt: new Date('2025-03-01T12:00:01.000Z'),
      });
    });
    const rows = await sql.rows('SELECT status, attempts FROM file_processing_steps WHERE file_id = :id', {
      id: file.id,
    });
    expect(rows).toEqual([{ status: 'success', attempts: 1 }]);
  });

  it('timestamps are stored as UTC with milliseconds whatever the time zone of the Node process', async () => {
    const previous = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      const file = await store.reads.files.create(newFile('utc'));
      const occurredAt = new Date('2025-01-15T23:59:58.123Z');
      const log = await store.unitOfWork.transaction((repos) =>
        repos.logs.append({
          fileId: file.id,
          stepName: 'hash_file',
          status: 'in_progress',
          message: null,
          detail: null,
          taskId: null,
          occurredAt,
        }),
      );
      const stored = await sql.one(
        `SELECT DATE_FORMAT(timestamp, '%Y-%m-%d %H:%i:%s.%f') AS text FROM processing_logs WHERE id = :id`,
        {
          id: log.id,
        },
      );
      expect(stored).toEqual({ text: '2025-01-15 23:59:58.123000' });
      const [read] = await store.reads.logs.listForStep(file.id, 'hash_file');
      expect(read?.occurredAt.toISOString()).toBe(occurredAt.toISOString());
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });

  it('a transaction reads the log rows another connection committed after its first read (READ COMMITTED)', async () => {
    const file = await store.reads.files.create(newFile('visibility'));
    const firstRead = signal();
    const otherCommitted = signal();
    const reads = store.unitOfWork.transaction(async (repos) => {
      await repos.files.lock(file.id);
      const before = await repos.logs.listForStep(file.id, 'hash_file');
      firstRead.resolve();
      await otherCommitted.promise;
      const after = await repos.logs.listForStep(file.id, 'hash_file');
      return [before.length, after.length];
    });
    await firstRead.promise;
    await other.unitOfWork.transaction((repos) =>
      repos.logs.append({
        fileId: file.id,
        stepName: 'hash_file',
        status: 'pending',
        message: 'written by another process',
        detail: null,
        taskId: null,
        occurredAt: new Date(),
      }),
    );
    otherCommitted.resolve();
    expect(await reads).toEqual([0, 1]);
  });

  it('a multi-row log insert gets consecutive ids on this server, which the store checks when it opens', async () => {
    expect(await readAutoIncrementStep(dataSource)).toBe(1);
    const file = await store.unitOfWork.transaction((repos) => repos.files.create(newFile('ids')));
    const entry = (stepName: string) => ({
      fileId: file.id,
      stepName,
      status: 'in_progress',
      message: null,
      detail: null,
      taskId: null,
      occurredAt: new Date('2025-03-01T12:00:00.000Z'),
    });
    const appended = await store.unitOfWork.transaction((repos) =>
      repos.logs.appendMany(['hash_file', 'check_text', 'extract_text'].map(entry)),
    );
    const stored = await sql.rows(
      'SELECT id, step_name FROM processing_logs WHERE file_id = :id ORDER BY id',
      {
        id: file.id,
      },
    );
    expect(stored.map((row) => [Number(row.id), row.step_name])).toEqual(
      appended.map((log) => [log.id, log.stepName]),
    );
  });

  it('a server whose auto-increment step is not 1 is refused with the reason and the fix', async () => {
    // One connection, so the session setting is what the check reads.
    const single = await connect(await freshDatabase('steptrail_mysql_step'), 1);
    try {
      await single.query('SET SESSION auto_increment_increment = 3');
      const step = await readAutoIncrementStep(single);
      expect(step).toBe(3);
      expect(() => requireUnitAutoIncrement(step)).toThrow(
        /auto_increment_increment = 3; steptrail needs 1.*Set auto_increment_increment = 1/,
      );
    } finally {
      await single.destroy();
    }
  });
});
