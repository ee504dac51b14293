import { SqlExecutor } from '@steptrail/persistence-typeorm';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDataSource, postgresDialect } from '../src/index.js';
import { freshDatabase, postgresTitle, serverUrl, withClient } from './support/postgres-database.js';

const instant = new Date('2025-03-01T12:34:56.789Z');

describe.skipIf(serverUrl === null)(postgresTitle('timestamps in a process that is not on UTC'), () => {
  const previousZone = process.env['TZ'];
  let url = '';
  let dataSource: DataSource;
  let sql: SqlExecutor;

  beforeAll(async () => {
    // A zone with an offset, so reading or writing in local time would show as hours of difference.
    process.env['TZ'] = 'America/New_York';
    url = await freshDatabase('adapter_pg_timestamps');
    dataSource = await createPostgresDataSource({ url, poolSize: 2 }).initialize();
    sql = new SqlExecutor(dataSource, postgresDialect(), null);
    await sql.write(`CREATE TABLE stamps (id SERIAL PRIMARY KEY, with_zone TIMESTAMP(6) WITH TIME ZONE,
      without_zone TIMESTAMP WITHOUT TIME ZONE)`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    if (previousZone === undefined) delete process.env['TZ'];
    else process.env['TZ'] = previousZone;
  });

  it('the process really runs in a zone other than UTC', () => {
    expect(instant.getTimezoneOffset()).not.toBe(0);
  });

  it('sessions run with TimeZone UTC', async () => {
    expect(await sql.rows('SHOW TimeZone')).toEqual([{ TimeZone: 'UTC' }]);
  });

  it('one bound instant written to a timestamptz and a timestamp column in one statement reads back as that instant in both', async () => {
    const time = postgresDialect().driver.time(instant);
    const { insertId } = await sql.write(
      'INSERT INTO stamps (with_zone, without_zone) VALUES (:time, :time) RETURNING id',
      { time },
    );
    const row = await sql.one(
      'SELECT with_zone, without_zone, without_zone::text AS wall FROM stamps WHERE id = :id',
      {
        id: insertId,
      },
    );
    expect(row).toEqual({ with_zone: instant, without_zone: instant, wall: '2025-03-01 12:34:56.789' });
  });

  it('a UTC wall time another program left in a timestamp without time zone column reads as that UTC instant', async () => {
    const { insertId } = await sql.write(
      `INSERT INTO stamps (without_zone) VALUES ('2025-03-01 12:34:56.789') RETURNING id`,
    );
    expect(await sql.one('SELECT without_zone FROM stamps WHERE id = :id', { id: insertId })).toEqual({
      without_zone: instant,
    });
  });

  it('comparisons against a bound instant work on both column kinds', async () => {
    const time = postgresDialect().driver.time(instant);
    const rows = await sql.rows(
      'SELECT COUNT(*) AS n FROM stamps WHERE with_zone = :time OR (with_zone IS NULL AND without_zone = :time)',
      { time },
    );
    expect(rows).toEqual([{ n: '2' }]);
  });

  it('leaves the process-wide pg type parsers alone: a plain pg client still reads timestamp as local time', async () => {
    const [row] = await withClient(
      url,
      async (client) =>
        (await client.query<{ stamp: Date }>(`SELECT '2025-03-01 12:34:56.789'::timestamp AS stamp`)).rows,
    );
    expect(row?.stamp.getTime()).toBe(new Date(2025, 2, 1, 12, 34, 56, 789).getTime());
    expect(row?.stamp.getTime()).not.toBe(instant.getTime());
  });
});
