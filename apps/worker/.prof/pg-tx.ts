import { migrateToLatest, openStore, parseDatabaseUrl } from '@steptrail/runtime';
import { createDatabase, startPostgres } from '@steptrail/test-servers';
import { createRequire } from 'node:module';
const pg = createRequire('/work/main/packages/adapter-postgres/package.json')('pg');

const server = await startPostgres();
const url = await createDatabase(server.url, 'txbench');
const target = parseDatabaseUrl(url, '/').value!;
await migrateToLatest(target);
const store = await openStore(target, { poolSize: 20 });
async function time(label: string, n: number, parallel: number, work: () => Promise<unknown>) {
  const t = Date.now();
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => { while (next++ < n) await work(); }));
  const ms = Date.now() - t;
  console.log(label, 'parallel', parallel, (n * 1000 / ms).toFixed(0), 'per s,', (ms / n).toFixed(2), 'ms each');
}
await time('empty tx (store)', 500, 1, () => store.unitOfWork.transaction(async (r) => r.files.get(1)));
await time('empty tx (store)', 1000, 16, () => store.unitOfWork.transaction(async (r) => r.files.get(1)));
await time('tx + notify (store)', 1000, 16, () => store.unitOfWork.transaction(async (r) => { await r.files.get(1); await r.queue.announce(); }));
const client = new pg.Pool({ connectionString: url, max: 16 });
await time('raw pg select 1', 2000, 1, () => client.query('select 1'));
await time('raw pg select 1', 4000, 16, () => client.query('select 1'));
await time('raw pg begin/select/commit', 1000, 16, async () => { const c = await client.connect(); try { await c.query('begin'); await c.query('select 1'); await c.query('commit'); } finally { c.release(); } });
await client.end();
await store.close();
await server.stop();
