// Profiles the API under the status read (issue 16's HTTP floor): starts the built API on a fresh SQLite database with
// `node --cpu-prof`, registers a few files, sends GET /api/files/:id/status over one keep-alive connection, stops the
// API and prints where its CPU time went (bench/profile-summary.ts).
//   npx tsx bench/api/profile-status.ts [--requests 5000] [--path status|event]
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { migrateToLatest } from '@steptrail/runtime';
import { execFileSync } from 'node:child_process';
import { startApi } from '../support/api-process.js';
import { parseTarget } from '../support/databases.js';
import { repoRoot } from '../support/workspace.js';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '5000' }, path: { type: 'string', default: 'status' } },
});
const requests = Number(values.requests);
const scratch = mkdtempSync(join(tmpdir(), 'steptrail-bench-profile-'));
const profiles = join(scratch, 'profiles');
try {
  const url = `sqlite:${join(scratch, 'profile.db')}`;
  await migrateToLatest(parseTarget(url));
  const api = await startApi(url, join(scratch, 'storage'), {
    scopes: 'read,write',
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profiles}`],
  });
  try {
    const ids: number[] = [];
    for (let index = 0; index < 20; index += 1) {
      const name = `profile-${index}.pdf`;
      const answer = await api.client.post('/api/files', {
        originalFilename: name,
        filehash: createHash('sha256').update(name).digest('hex'),
        fileSize: 1000,
      });
      ids.push((JSON.parse(answer.body) as { file: { id: number } }).file.id);
    }
    const started = performance.now();
    for (let index = 0; index < requests; index += 1) {
      const id = ids[index % ids.length] ?? 1;
      if (values.path === 'event') {
        const status = index % 2 === 0 ? 'in_progress' : 'success';
        await api.client.post(`/api/files/${id}/events`, {
          stepName: 'check_text',
          status,
          eventId: `p-${index}`,
        });
      } else await api.client.get(`/api/files/${id}/status`);
    }
    const ms = (performance.now() - started) / requests;
    console.log(`${requests} ${values.path} requests, ${ms.toFixed(3)} ms each on average (profiling on)`);
  } finally {
    await api.stop();
  }
  for (const file of readdirSync(profiles))
    console.log(
      execFileSync(
        process.execPath,
        [
          '--import',
          'tsx',
          join(repoRoot, 'bench', 'profile-summary.ts'),
          join(profiles, file),
          '--inclusive',
          'apps/api|packages/|express|router|helmet|pino|prom-client|zod',
        ],
        {
          encoding: 'utf8',
        },
      ),
    );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
