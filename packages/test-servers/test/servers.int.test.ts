import { randomBytes } from 'node:crypto';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { backendUrls, titleWithSkipReason } from '../src/backend-urls.js';
import { createDatabase } from '../src/create-database.js';

type Statement = readonly [sql: string, params?: unknown[]];
type Row = Record<string, unknown>;

const urls = backendUrls();
// A name of its own, so a rerun against a long-lived TEST_*_URL server never meets an old table.
const table = `roundtrip_${randomBytes(4).toString('hex')}`;

/** Runs the statements in order on one connection and returns the rows of the last one. */
async function postgresRows(databaseUrl: string, ...statements: Statement[]): Promise<Row[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    let rows: Row[] = [];
    for (const [sql, params] of statements) rows = (await client.query<Row>(sql, params)).rows;
    return rows;
  } finally {
    await client.end();
  }
}

/** Runs the statements in order on one connection and returns the rows of the last one. */
async function mysqlRows(databaseUrl: string, ...statements: Statement[]): Promise<Row[]> {
  const connection = await mysql.createConnection({ uri: databaseUrl });
  try {
    let rows: Row[] = [];
    for (const [sql, params] of statements) [rows] = await connection.query<RowDataPacket[]>(sql, params);
    return rows;
  } finally {
    await connection.end();
  }
}

describe.skipIf(urls.postgres === null)(
  titleWithSkipReason('PostgreSQL test server', urls.skipReason.postgres),
  () => {
    const url = urls.postgres ?? '';
    const publicTables = `select current_database() as db, count(*)::int as tables from pg_tables where schemaname = 'public'`;

    test('answers select 1 on the steptrail_test database', async () => {
      expect(await postgresRows(url, ['select 1 as one, current_database() as db'])).toEqual([
        { one: 1, db: 'steptrail_test' },
      ]);
    });

    test('is PostgreSQL 15', async () => {
      const [row] = await postgresRows(url, ['show server_version']);
      expect(row?.['server_version']).toMatch(/^15\./);
    });

    test('stores and returns rows in a new table', async () => {
      const rows = await postgresRows(
        url,
        [`create table ${table} (id integer primary key, name text not null)`],
        [`insert into ${table} (id, name) values ($1, $2), ($3, $4)`, [1, 'a', 2, 'ü']],
        [`select id, name from ${table} order by id`],
      );
      expect(rows).toEqual([
        { id: 1, name: 'a' },
        { id: 2, name: 'ü' },
      ]);
    });

    test('createDatabase gives a suite its own database, empty again when asked for twice', async () => {
      const ownUrl = await createDatabase(url, 'servers_int_own');
      expect(await postgresRows(ownUrl, ['create table only_here (id integer)'], [publicTables])).toEqual([
        { db: 'servers_int_own', tables: 1 },
      ]);
      const again = await createDatabase(url, 'servers_int_own');
      expect(await postgresRows(again, [publicTables])).toEqual([{ db: 'servers_int_own', tables: 0 }]);
    });
  },
);

describe.skipIf(urls.mysql === null)(
  titleWithSkipReason('MariaDB test server', urls.skipReason.mysql),
  () => {
    const url = urls.mysql ?? '';

    test('answers select 1 on the steptrail_test database', async () => {
      expect(await mysqlRows(url, ['select 1 as one, database() as db'])).toEqual([
        { one: 1, db: 'steptrail_test' },
      ]);
    });

    test('is MariaDB 10.11', async () => {
      const [row] = await mysqlRows(url, ['select version() as version']);
      expect(row?.['version']).toMatch(/^10\.11\.\d+-MariaDB/);
    });

    test('stores and returns rows in a new InnoDB table', async () => {
      const rows = await mysqlRows(
        url,
        [`create table ${table} (id int primary key, name varchar(20) not null) engine=InnoDB`],
        [`insert into ${table} (id, name) values (?, ?), (?, ?)`, [1, 'a', 2, 'ü']],
        [`select id, name from ${table} order by id`],
      );
      expect(rows).toEqual([
        { id: 1, name: 'a' },
        { id: 2, name: 'ü' },
      ]);
    });

    test('createDatabase gives a suite its own empty utf8mb4 database', async () => {
      const ownUrl = await createDatabase(url, 'servers_int_own');
      const rows = await mysqlRows(ownUrl, [
        'select database() as db, @@character_set_database as charset, ' +
          '(select count(*) from information_schema.tables where table_schema = database()) as tables',
      ]);
      expect(rows).toEqual([{ db: 'servers_int_own', charset: 'utf8mb4', tables: 0 }]);
    });
  },
);
