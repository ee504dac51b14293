import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_WORKFLOW, StatusQueries, StepTracker, systemClock } from '@steptrail/domain';
import { describe, expect, it } from 'vitest';
import { createSqliteDataSource, openSqliteStore } from '../src/index.js';

describe('sqlite smoke', () => {
  it('migrates and records events', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'st-'));
    const path = join(dir, 'db.sqlite');
    const ds = await createSqliteDataSource({ path }).initialize();
    await ds.runMigrations();
    await ds.destroy();
    const store = await openSqliteStore({ path });
    const tracker = new StepTracker({ unitOfWork: store.unitOfWork, clock: systemClock });
    const file = await tracker.registerFile({ filehash: 'abc', originalFilename: 'a.pdf', localFilename: '/tmp/a', fileSize: 3, mimeType: 'application/pdf', workflow: DEFAULT_WORKFLOW, managed: true });
    const r = await tracker.updateStepStatus(file.id, 'hash_file', 'in_progress');
    expect(r.ok).toBe(true);
    const r2 = await tracker.updateStepStatus(file.id, 'hash_file', 'success');
    expect(r2.ok).toBe(true);
    const q = new StatusQueries(store.reads);
    const d = await q.getFileDetail(file.id);
    console.log(JSON.stringify(d, null, 1));
    console.log(await q.getFileStepStatus(file.id));
    await store.close();
    rmSync(dir, { recursive: true });
  });
});
