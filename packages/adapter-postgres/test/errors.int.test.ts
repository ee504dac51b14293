import { StoreError, isStoreError, systemClock, type Store } from '@steptrail/domain';
import { SqlExecutor, Transactions } from '@steptrail/persistence-typeorm';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDataSource, openPostgresStore, postgresDialect } from '../src/index.js';
import { freshDatabase, migrate, postgresTitle, serverUrl, withClient } from './support/postgres-database.js';

/** Resolves once `parties` callers have arrived, so two transactions interleave in a known order. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let release: () => void = () => undefined;
  const open = new Promise<void>((resolve) => (release = resolve));
  return () => {
    arrived += 1;
    if (arrived >= parties) release();
    return open;
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject.');
}

describe.skipIf(serverUrl === null)(
  postgresTitle('PostgreSQL errors reach the domain as StoreErrors'),
  () => {
    const dialect = postgresDialect();
    let url = '';
    let dataSource: DataSource;
    let sql: SqlExecutor;
    let store: Store;

    async function insertFile(tag: string): Promise<number> {
      const result = await sql.write(
        `INSERT INTO files (filehash, local_filename, file_size) VALUES (:tag, :tag, 1) RETURNING id`,
        { tag },
      );
      if (result.insertId === null) throw new Error('no id');
      return result.insertId;
    }

    beforeAll(async () => {
      url = await freshDatabase('adapter_pg_errors');
      await migrate(url);
      dataSource = await createPostgresDataSource({ url, poolSize: 4 }).initialize();
      sql = new SqlExecutor(dataSource, dialect, null);
      store = await openPostgresStore({ url, clock: systemClock, poolSize: 4 });
    });

    afterAll(async () => {
      await store?.close();
      await dataSource?.destroy();
    });

    it('a second step row with the same (file_id, step_name) is a unique_violation', async () => {
      const fileId = await insertFile('dup');
      const insert = () =>
        sql.write(
          `INSERT INTO file_processing_steps (file_id, step_name, status) VALUES (:fileId, 'hash_file', 'pending')`,
          {
            fileId,
          },
        );
      await insert();
      const error = await rejection(insert());
      expect(isStoreError(error, 'unique_violation')).toBe(true);
    });

    it('a step row of a file that does not exist is a foreign_key_violation', async () => {
      const error = await rejection(
        sql.write(
          `INSERT INTO file_processing_steps (file_id, step_name, status) VALUES (2147483000, 'hash_file', 'pending')`,
        ),
      );
      expect(isStoreError(error, 'foreign_key_violation')).toBe(true);
    });

    it('the loser of a real deadlock between two connections gets a transient_conflict', async () => {
      const [first, second] = [await insertFile('dl-a'), await insertFile('dl-b')];
      const bothHoldOne = barrier(2);
      const lockInOrder = (a: number, b: number) =>
        new Transactions(dataSource, dialect).run(async (runner) => {
          await runner.query('SELECT id FROM files WHERE id = $1 FOR NO KEY UPDATE', [a]);
          await bothHoldOne();
          await runner.query('SELECT id FROM files WHERE id = $1 FOR NO KEY UPDATE', [b]);
        });
      const outcomes = await Promise.allSettled([lockInOrder(first, second), lockInOrder(second, first)]);
      const failures = outcomes.flatMap((outcome): unknown[] =>
        outcome.status === 'rejected' ? [outcome.reason] : [],
      );
      expect(failures).toHaveLength(1);
      const [failure] = failures;
      expect(failure).toBeInstanceOf(StoreError);
      expect(failure).toMatchObject({ kind: 'transient_conflict' });
      expect(String(failure)).toContain('40P01');
    });

    it('a unit of work that lost a deadlock is run again, so both units of work commit', async () => {
      const [first, second] = [await insertFile('retry-a'), await insertFile('retry-b')];
      const bothHoldOne = barrier(2);
      let runs = 0;
      const lockInOrder = (a: number, b: number) =>
        store.unitOfWork.transaction(async (repos) => {
          runs += 1;
          await repos.files.lock(a);
          await bothHoldOne();
          return (await repos.files.lock(b))?.id;
        });
      const results = await Promise.all([lockInOrder(first, second), lockInOrder(second, first)]);
      expect(results).toEqual([second, first]);
      expect(runs).toBe(3);
    });

    it('a row lock that cannot be had without waiting (NOWAIT) is a transient_conflict', async () => {
      const fileId = await insertFile('nowait');
      const holding = barrier(2);
      const done = barrier(2);
      const holder = new Transactions(dataSource, dialect).run(async (runner) => {
        await runner.query('SELECT id FROM files WHERE id = $1 FOR UPDATE', [fileId]);
        await holding();
        await done();
      });
      await holding();
      const error = await rejection(
        sql.rows('SELECT id FROM files WHERE id = :fileId FOR UPDATE NOWAIT', { fileId }),
      );
      await done();
      await holder;
      expect(isStoreError(error, 'transient_conflict')).toBe(true);
      expect(String(error)).toContain('55P03');
    });

    it('a session the server ends in the middle of a transaction is unavailable, and the pool recovers', async () => {
      const error = await rejection(
        new Transactions(dataSource, dialect).run(async (runner) => {
          const [row] = (await runner.query('SELECT pg_backend_pid() AS pid')) as Array<{ pid: number }>;
          await withClient(url, (client) => client.query('SELECT pg_terminate_backend($1)', [row?.pid]));
          await runner.query('SELECT 1');
        }),
      );
      expect(isStoreError(error, 'unavailable')).toBe(true);
      expect(await sql.rows('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    });

    it('opening a store on a port where no server listens fails with unavailable', async () => {
      const nowhere = new URL(url);
      nowhere.port = '1';
      const error = await rejection(openPostgresStore({ url: nowhere.toString(), connectTimeoutMs: 2_000 }));
      expect(isStoreError(error, 'unavailable')).toBe(true);
    });
  },
);
