import { afterAll, expect, test } from 'vitest';
import { memoryBackend, startApi } from './support/api-harness.js';

test('smoke', async () => {
  const api = await startApi(await memoryBackend.prepare('x'));
  const r = await api.fetch('/api/files', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ originalFilename: 'a.pdf', filehash: 'a'.repeat(64), fileSize: 3 }) });
  console.log(r.status, await r.text());
  const e = await api.fetch('/api/files/1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stepName: 'hash_file', status: 'bogus', extra: 1 }) });
  console.log(e.status, await e.text());
  console.log((await api.fetch('/api/files')).status);
  const o = await api.fetch('/api/openapi.json');
  console.log(o.status, (await o.text()).slice(0, 3000));
  const fd = new FormData(); fd.set('file', new Blob(['hello']), 'h.txt');
  const u = await api.fetch('/api/files', { method: 'POST', body: fd });
  console.log(u.status, await u.text());
  console.log(api.logs.slice(-2));
  await api.close();
  expect(1).toBe(1);
});
