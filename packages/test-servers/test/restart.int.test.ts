import mysql, { type RowDataPacket } from 'mysql2/promise';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { backendUrls, titleWithSkipReason } from '../src/backend-urls.js';
import { startMariaDb } from '../src/mariadb-server.js';
import { startPostgres } from '../src/postgres-server.js';
import type { RestartableServer } from '../src/running-server.js';

const urls = backendUrls();

interface Kind {
  name: string;
  skipReason: string | null;
  start: () => Promise<RestartableServer>;
  /** Runs one statement on a new connection and returns the rows; rejects while the server is down. */
  rows: (url: string, sql: string) => Promise<Array<Record<string, unknown>>>;
}

const kinds: Kind[] = [
  {
    name: 'PostgreSQL',
    skipReason: urls.postgres === null ? urls.skipReason.postgres : null,
    start: () => startPostgres({ database: 'restart_test' }),
    rows: async (url, sql) => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
      await client.connect();
      try {
        return (await client.query<Record<string, unknown>>(sql)).rows;
      } finally {
        await client.end();
      }
    },
  },
  {
    name: 'MariaDB',
    skipReason: urls.mysql === null ? urls.skipReason.mysql : null,
    start: () => startMariaDb({ database: 'restart_test' }),
    rows: async (url, sql) => {
      const connection = await mysql.createConnection({ uri: url, connectTimeout: 2_000 });
      try {
        return (await connection.query<RowDataPacket[]>(sql))[0];
      } finally {
        await connection.end();
      }
    },
  },
];

describe.each(kinds)('a restartable $name server', (kind) => {
  test.skipIf(kind.skipReason !== null)(
    titleWithSkipReason(
      'halts, refuses connections, and resumes on the same port with its data',
      kind.skipReason,
    ),
    async () => {
      const server = await kind.start();
      try {
        await kind.rows(server.url, 'create table kept (id integer primary key)');
        await kind.rows(server.url, 'insert into kept (id) values (1), (2)');
        await server.halt();
        await expect(kind.rows(server.url, 'select 1')).rejects.toThrow();
        await server.resume();
        expect(await kind.rows(server.url, 'select id from kept order by id')).toEqual([
          { id: 1 },
          { id: 2 },
        ]);
      } finally {
        await server.stop();
      }
    },
  );
});
