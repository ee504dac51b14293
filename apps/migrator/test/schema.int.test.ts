import { describe, expect, it } from 'vitest';
import { backends, databaseName, openSql } from './support/databases.js';
import { PROGRAM, runCli } from './support/in-process-cli.js';
import { jsonOf } from './support/migrated-fixture.js';
import { plantLegacyFixture } from './support/legacy-fixture.js';
import { snapshot } from './support/rows.js';

const TABLES = ['files', 'file_processing_steps', 'processing_logs'] as const;

/**
 * Every row of DocuElevate's tables; `like` (an earlier snapshot, taken before steptrail added its columns) limits
 * the columns to DocuElevate's own. The legacy fixture has rows in each table, so its first row names them.
 */
async function docuElevateRows(
  url: string,
  like?: Record<string, unknown[]>,
): Promise<Record<string, unknown[]>> {
  const { sql, close } = await openSql(url);
  try {
    const rows: Record<string, unknown[]> = {};
    for (const table of TABLES) {
      const first = like?.[table]?.[0];
      const columns = typeof first === 'object' && first !== null ? Object.keys(first) : undefined;
      rows[table] = await snapshot(sql, table, columns);
    }
    return rows;
  } finally {
    await close();
  }
}

async function legacyDatabase(
  kind: Parameters<typeof plantLegacyFixture>[1],
  create: (name: string) => Promise<string>,
) {
  const url = await create(databaseName('schema'));
  const { sql, close } = await openSql(url);
  await plantLegacyFixture(sql, kind).finally(close);
  return url;
}

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`schema commands on ${backend.title}`, () => {
    it('schema up on a DocuElevate database adds only what is missing and changes no existing row', async () => {
      const url = await legacyDatabase(backend.kind, backend.freshDatabase);
      const before = await docuElevateRows(url);

      const up = await runCli(['schema', 'up', '--json'], url);

      expect(up.code, up.stderr).toBe(0);
      const { applied, changes } = up.json() as {
        applied: string[];
        changes: Array<Record<string, unknown>>;
      };
      expect(applied.length).toBeGreaterThan(0);
      const byTable: Record<string, Record<string, unknown> | undefined> = Object.fromEntries(
        changes.map((change) => [String(change.table), change]),
      );
      expect(byTable.files).toMatchObject({ created: false });
      expect(byTable.files?.addedColumns).toEqual(
        expect.arrayContaining([
          'workflow',
          'processing_status',
          'has_errors',
          'total_steps',
          'last_step',
          'updated_at',
        ]),
      );
      expect(byTable.files?.addedColumns).not.toContain('filehash');
      expect(byTable.file_processing_steps).toMatchObject({ created: false });
      expect(byTable.file_processing_steps?.addedColumns).toEqual(
        expect.arrayContaining([
          'attempts',
          'last_event_at',
          'last_event_id',
          'run_after',
          'lease_owner',
          'lease_expires_at',
        ]),
      );
      expect(byTable.processing_logs).toMatchObject({ created: false, addedColumns: [] });
      expect(byTable.processing_logs?.addedIndexes).toContain('ix_processing_logs_file_step_time');
      expect(await docuElevateRows(url, before)).toEqual(before);
    });

    it('schema up twice applies nothing the second time, and status lists the migration as applied', async () => {
      const url = await legacyDatabase(backend.kind, backend.freshDatabase);
      expect((await runCli(['schema', 'up'], url)).code).toBe(0);

      const again = await runCli(['schema', 'up'], url);
      const status = await runCli(['schema', 'status', '--json'], url);

      expect(again.code).toBe(0);
      expect(again.stdout).toContain('nothing to apply');
      expect(status.code).toBe(0);
      const migrations = status.json().migrations as Array<{ name: string; applied: boolean }>;
      expect(migrations.length).toBeGreaterThan(0);
      expect(migrations.every((migration) => migration.applied)).toBe(true);
    });

    it('schema down gives the DocuElevate tables back unchanged, and up adopts them again', async () => {
      const url = await legacyDatabase(backend.kind, backend.freshDatabase);
      const before = await docuElevateRows(url);
      expect((await runCli(['schema', 'up'], url)).code).toBe(0);

      const applied = (await jsonOf(['schema', 'status'], url)).migrations as Array<{ name: string }>;
      const reverted: unknown[] = [];
      for (const _migration of applied)
        reverted.push(...((await jsonOf(['schema', 'down'], url)).reverted as unknown[]));
      const status = await runCli(['schema', 'status', '--json'], url);

      expect(reverted).toEqual(applied.map((migration) => migration.name).reverse());
      expect(
        (status.json().migrations as Array<{ applied: boolean }>).some((migration) => migration.applied),
      ).toBe(false);
      expect(await docuElevateRows(url, before)).toEqual(before);
      const { sql, close } = await openSql(url);
      try {
        const columns = Object.keys((await sql.rows('SELECT * FROM files'))[0] ?? {});
        expect(columns).not.toContain('processing_status');
      } finally {
        await close();
      }
      expect((await runCli(['schema', 'up'], url)).code).toBe(0);
    });

    it('schema down --to a name that is not applied is a usage error (exit 2) that lists what is applied', async () => {
      const url = await legacyDatabase(backend.kind, backend.freshDatabase);
      expect((await runCli(['schema', 'up'], url)).code).toBe(0);

      const down = await runCli(['schema', 'down', '--to', 'NoSuchMigration1'], url);

      expect(down.code).toBe(2);
      expect(down.stderr).toMatch(/NoSuchMigration1 is not an applied migration \(applied: InitialSchema\d+/);
    });

    it('schema down refuses to drop tables that hold rows (exit 2, naming them and their rows) unless --yes', async () => {
      const url = await backend.freshDatabase(databaseName('dropguard'));
      expect((await runCli(['schema', 'up'], url)).code).toBe(0);
      const raw = await openSql(url);
      await raw.sql
        .write(
          `INSERT INTO files (id, filehash, original_filename, local_filename, file_size) VALUES (1, 'h1', 'a.pdf', '/tmp/a.pdf', 10), (2, 'h2', 'b.pdf', '/tmp/b.pdf', 20)`,
        )
        .finally(raw.close);
      const applied = (await jsonOf(['schema', 'status'], url)).migrations as unknown[];
      // Every migration but the first reverts columns and indexes only, and goes without asking.
      for (const _later of applied.slice(1)) expect((await runCli(['schema', 'down'], url)).code).toBe(0);

      const refused = await runCli(['schema', 'down'], url);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('schema down would drop a table that holds rows: files (2 rows).');
      expect(refused.stderr).toContain('Nothing was changed. Add --yes');
      const still = await runCli(['schema', 'status', '--json'], url);
      expect((still.json().migrations as Array<{ applied: boolean }>)[0]?.applied).toBe(true);

      const dropped = await runCli(['schema', 'down', '--yes', '--json'], url);
      expect(dropped.code, dropped.stderr).toBe(0);
      const check = await openSql(url);
      try {
        expect(await check.sql.tableExists('files')).toBe(false);
      } finally {
        await check.close();
      }
    });

    it('schema down of an empty schema needs no --yes', async () => {
      const url = await backend.freshDatabase(databaseName('dropempty'));
      expect((await runCli(['schema', 'up'], url)).code).toBe(0);
      const applied = (await jsonOf(['schema', 'status'], url)).migrations as unknown[];
      for (const _migration of applied) expect((await runCli(['schema', 'down'], url)).code).toBe(0);
    });

    it('data commands refuse a database whose schema is not up to date, and say how to fix it', async () => {
      const url = await legacyDatabase(backend.kind, backend.freshDatabase);

      for (const command of [['logs-to-steps'], ['verify'], ['prune', '--older-than', '30d']]) {
        const run = await runCli(command, url);
        expect(run.code, command.join(' ')).toBe(2);
        expect(run.stderr).toContain(`Run "${PROGRAM} schema up" first`);
      }
    });
  });
}
