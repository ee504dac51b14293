import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDataSource } from '../src/index.js';
import { freshDatabase, postgresTitle, serverUrl } from './support/postgres-database.js';

// The chaos suite (test/reliability/chaos.rel.test.ts) found a worker that exited with "Unhandled 'error' event" when
// PostgreSQL restarted: a connection that finished its handshake as the server shut down got the termination in
// the same read, after pg-pool had taken its listener off and before TypeORM put one on.

/** The pg pool behind the data source: the only way to hold a connection the way TypeORM gets one. */
const poolOf = (dataSource: DataSource): pg.Pool =>
  (dataSource.driver as unknown as { master: pg.Pool }).master;

describe.skipIf(serverUrl === null)(postgresTitle('PostgreSQL connections and their errors'), () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await createPostgresDataSource({
      url: await freshDatabase('steptrail_connection_errors'),
      poolSize: 3,
    }).initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  it('a connection just handed out by the pool already has an error listener, so a server error cannot end the process', async () => {
    const pool = poolOf(dataSource);
    // Three at once: the pool opens new connections for them, the case the crash needed.
    const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
    try {
      for (const client of clients) {
        expect(client.listenerCount('error')).toBeGreaterThan(0);
        const terminated = Object.assign(new Error('terminating connection due to administrator command'), {
          code: '57P01',
        });
        expect(() => client.emit('error', terminated)).not.toThrow();
      }
    } finally {
      // Released with the error, so the pool drops them instead of lending them again.
      for (const client of clients) client.release(new Error('test over'));
    }
    expect(await dataSource.query('select 1 as one')).toEqual([{ one: 1 }]);
  });
});
