import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { backendUrls, titleWithSkipReason } from '../src/backend-urls.js';
import { createDatabase } from '../src/create-database.js';

const urls = backendUrls();
// A name of its own, so a rerun against a long-lived TEST_*_URL server never meets an old table.
const table = `roundtrip_${randomBytes(4).toString('hex')}`;

describe.skipIf(urls.postgres === null)(titleWithSkipReason('PostgreSQL test server', urls.skipReason.postgres), () => {
  const url = urls.postgres ?? '';

  async function withClient<T>(databaseUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return await use(client);
    } finally {
      await client.end();
    }
  }

  test('answers select 1 on the steptrail_test database', async () => {
    const row = await withClient(url, async (client) => (await client.query('select 1 as one, current_database() as db')).rows[0]);
    expect(row).toEqual({ one: 1, db: 'steptrail_test' });
  });

  test('is PostgreSQL 15', async () => {
    const version = await withClient(url, async (client) => (await client.query('show server_version')).rows[0]);
    expect(version).toEqual({ server_version: expect.stringMatching(/^15\./) });
  });

  test('stores and returns rows in a new table', async () => {
    const rows = await withClient(url, async (client) => {
      await client.query(`create table ${table} (id integer primary key, name text not null)`);
      await client.query(`insert into ${table} (id, name) values ($1, $2), ($3, $4)`, [1, 'a', 2, 'ü']);
      return (await client.query(`select id, name from ${table} order by id`)).rows;
    });
    expect(rows).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'ü' },
    ]);
  });

  test('createDatabase gives a suite its own empty database', async () => {
    const ownUrl = await createDatabase(url, 'servers_int_own');
    const tables = await withClient(ownUrl, async (client) => {
      await client.query('create table only_here (id integer)');
      return (await client.query(`select current_database() as db, count(*)::int as tables from pg_tables where schemaname = 'public'`)).rows[0];
    });
    expect(tables).toEqual({ db: 'servers_int_own', tables: 1 });
    const again = await createDatabase(url, 'servers_int_own');
    const afterRecreate = await withClient(again, async (client) =>
      (await client.query(`select count(*)::int as tables from pg_tables where schemaname = 'public'`)).rows[0],
    );
    expect(afterRecreate).toEqual({ tables: 0 });
  });
});

describe.skipIf(urls.mysql === null)(titleWithSkipReason('MariaDB test server', urls.skipReason.mysql), () => {
  const url = urls.mysql ?? '';

  async function withConnection<T>(databaseUrl: string, use: (connection: mysql.Connection) => Promise<T>): Promise<T> {
    const connection = await mysql.createConnection({ uri: databaseUrl });
    try {
      return await use(connection);
    } finally {
      await connection.end();
    }
  }

  test('answers select 1 on the steptrail_test database', async () => {
    const [rows] = await withConnection(url, (connection) => connection.query('select 1 as one, database() as db'));
    expect(rows).toEqual([{ one: 1, db: 'steptrail_test' }]);
  });

  test('is MariaDB 10.11', async () => {
    const [rows] = await withConnection(url, (connection) => connection.query('select version() as version'));
    expect(rows).toEqual([{ version: expect.stringMatching(/^10\.11\.\d+-MariaDB/) }]);
  });

  test('stores and returns rows in a new InnoDB table', async () => {
    const [rows] = await withConnection(url, async (connection) => {
      await connection.query(`create table ${table} (id int primary key, name varchar(20) not null) engine=InnoDB`);
      await connection.query(`insert into ${table} (id, name) values (?, ?), (?, ?)`, [1, 'a', 2, 'ü']);
      return connection.query(`select id, name from ${table} order by id`);
    });
    expect(rows).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'ü' },
    ]);
  });

  test('createDatabase gives a suite its own empty utf8mb4 database', async () => {
    const ownUrl = await createDatabase(url, 'servers_int_own');
    const [rows] = await withConnection(ownUrl, (connection) =>
      connection.query(
        'select database() as db, @@character_set_database as charset, count(t.table_name) as tables ' +
          'from information_schema.schemata s left join information_schema.tables t on t.table_schema = s.schema_name ' +
          'where s.schema_name = database()',
      ),
    );
    expect(rows).toEqual([{ db: 'servers_int_own', charset: 'utf8mb4', tables: 0 }]);
  });
});
