import { createServer } from 'node:net';
import { isStoreError, StoreError } from '@steptrail/domain';
import { SqlExecutor, Transactions, type TypeormStore } from '@steptrail/persistence-typeorm';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../migrations/mysql-schema-dialect.js';
import { mysqlDialect, openMysqlStore } from '../src/index.js';
import {
  connect,
  freshDatabase,
  migrate,
  mysqlTitle,
  noMysql,
  signal,
} from './support/mysql-test-database.js';

const dialect = mysqlDialect();

const kindOf = (reason: unknown): string =>
  reason instanceof StoreError ? reason.kind : `not a StoreError: ${String(reason)}`;

async function rejectionKind(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return kindOf(error);
  }
}

/** A port on 127.0.0.1 that nothing listens on any more. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe.skipIf(noMysql)(mysqlTitle('MySQL errors provoked on a real server'), () => {
  let url = '';
  let dataSource: DataSource;
  let store: TypeormStore;
  let sql: SqlExecutor;

  beforeAll(async () => {
    url = await freshDatabase('steptrail_mysql_errors');
    await migrate(url);
    dataSource = await connect(url);
    store = await openMysqlStore({ url, poolSize: 4 });
    sql = new SqlExecutor(dataSource, dialect, null);
  });

  afterAll(async () => {
    await store?.close();
    await dataSource?.destroy();
  });

  const newFileId = async (): Promise<number> => {
    const result = await sql.write(
      `INSERT INTO files (filehash, local_filename, file_size) VALUES ('h', '/tmp/f', 1)`,
    );
    if (result.insertId === null) throw new Error('no id');
    return result.insertId;
  };

  const insertStep = (fileId: number, stepName: string) =>
    sql.write(
      `INSERT INTO file_processing_steps (file_id, step_name, status) VALUES (:fileId, :stepName, 'pending')`,
      {
        fileId,
        stepName,
      },
    );

  it('a second row for the same (file_id, step_name) is a unique_violation', async () => {
    const fileId = await newFileId();
    await insertStep(fileId, 'hash_file');
    expect(await rejectionKind(insertStep(fileId, 'hash_file'))).toBe('unique_violation');
  });

  it('a step row for a file that does not exist is a foreign_key_violation', async () => {
    expect(await rejectionKind(insertStep(2_000_000_000, 'hash_file'))).toBe('foreign_key_violation');
  });

  it('deleting a file row that step rows still reference is a foreign_key_violation', async () => {
    const fileId = await newFileId();
    await insertStep(fileId, 'hash_file');
    expect(await rejectionKind(sql.write('DELETE FROM files WHERE id = :fileId', { fileId }))).toBe(
      'foreign_key_violation',
    );
  });

  it('two transactions locking two files in opposite order deadlock, and the victim fails as transient_conflict', async () => {
    const [first, second] = [await newFileId(), await newFileId()];
    const firstLocked = signal();
    const secondLocked = signal();
    const lockInTurn = (mine: number, theirs: number, locked: () => void, theyLocked: Promise<void>) =>
      new Transactions(dataSource, dialect).run(async (runner) => {
        await runner.query('SELECT id FROM files WHERE id = ? FOR UPDATE', [mine]);
        locked();
        await theyLocked;
        await runner.query('SELECT id FROM files WHERE id = ? FOR UPDATE', [theirs]);
        return 'committed';
      });

    const outcomes = await Promise.allSettled([
      lockInTurn(first, second, firstLocked.resolve, secondLocked.promise),
      lockInTurn(second, first, secondLocked.resolve, firstLocked.promise),
    ]);

    const kinds = outcomes.map((outcome) =>
      outcome.status === 'fulfilled' ? outcome.value : kindOf(outcome.reason),
    );
    expect(kinds.sort()).toEqual(['committed', 'transient_conflict']);
    const victim = outcomes.find((outcome) => outcome.status === 'rejected');
    expect(
      victim?.status === 'rejected' && victim.reason instanceof StoreError && victim.reason.message,
    ).toMatch(/1213/);
  });

  it('the unit of work runs a deadlock victim again, so both transactions commit', async () => {
    const [first, second] = [await newFileId(), await newFileId()];
    const firstLocked = signal();
    const secondLocked = signal();
    let attempts = 0;
    const lockInTurn = (mine: number, theirs: number, locked: () => void, theyLocked: Promise<void>) =>
      store.unitOfWork.transaction(async (repos) => {
        attempts += 1;
        await repos.files.lock(mine);
        locked();
        await theyLocked;
        await repos.files.lock(theirs);
        await repos.files.setDuplicate(mine, false, null);
        return mine;
      });

    const committed = await Promise.all([
      lockInTurn(first, second, firstLocked.resolve, secondLocked.promise),
      lockInTurn(second, first, secondLocked.resolve, firstLocked.promise),
    ]);

    expect(committed).toEqual([first, second]);
    expect(attempts).toBe(3);
  });

  it('waiting longer than innodb_lock_wait_timeout for a row lock is a transient_conflict', async () => {
    const fileId = await newFileId();
    const impatient = await connect(url, 1);
    const held = signal();
    const release = signal();
    try {
      const holder = new Transactions(dataSource, dialect).run(async (runner) => {
        await runner.query('SELECT id FROM files WHERE id = ? FOR UPDATE', [fileId]);
        held.resolve();
        await release.promise;
      });
      await held.promise;
      const waiter = new Transactions(impatient, dialect).run(async (runner) => {
        await runner.query('SET SESSION innodb_lock_wait_timeout = 1');
        await runner.query('SELECT id FROM files WHERE id = ? FOR UPDATE', [fileId]);
      });
      expect(await rejectionKind(waiter)).toBe('transient_conflict');
      release.resolve();
      await holder;
    } finally {
      release.resolve();
      await impatient.destroy();
    }
  });

  it('a connection killed in the middle of a transaction fails as unavailable', async () => {
    const victim = await connect(url, 1);
    try {
      const outcome = new Transactions(victim, dialect).run(async (runner) => {
        const [row] = await queryRows(runner, 'SELECT CONNECTION_ID() AS id', []);
        await dataSource.query(`KILL ${Number(row?.id)}`);
        await runner.query('SELECT 1');
      });
      expect(await rejectionKind(outcome)).toBe('unavailable');
    } finally {
      await victim.destroy();
    }
  });

  it('opening a store on a port where no server listens fails as unavailable', async () => {
    const port = await closedPort();
    const opening = openMysqlStore({
      url: `mysql://root@127.0.0.1:${port}/nothing`,
      connectTimeoutMs: 2_000,
    });
    await expect(opening).rejects.toSatisfy((error: unknown) => isStoreError(error, 'unavailable'));
  });
});
