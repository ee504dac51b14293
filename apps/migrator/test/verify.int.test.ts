import { describe, expect, it } from 'vitest';
import { backends, openSql } from './support/databases.js';
import { runCli } from './support/in-process-cli.js';
import { old } from './support/legacy-fixture.js';
import { jsonOf, migratedLegacyDatabase, type LegacyDatabase } from './support/migrated-fixture.js';

interface Found {
  fileId: number;
  discrepancies: Array<{ kind: string; stepName?: string; field?: string; message: string }>;
}

/** Breaks one thing per file, each a different kind of difference verify must name. */
async function plantDiscrepancies(db: LegacyDatabase): Promise<void> {
  const { sql, close } = await openSql(db.url);
  const step = (tag: string, name: string) => ({ fileId: db.id(tag), name });
  try {
    await sql.write(
      `UPDATE file_processing_steps SET status = 'in_progress' WHERE file_id = :fileId AND step_name = :name`,
      step('complete', 'hash_file'),
    );
    await sql.write(
      'UPDATE file_processing_steps SET started_at = NULL WHERE file_id = :fileId AND step_name = :name',
      step('failed', 'hash_file'),
    );
    await sql.write(
      `UPDATE file_processing_steps SET error_message = 'stale error' WHERE file_id = :fileId AND step_name = :name`,
      step('retried', 'extract_text'),
    );
    await sql.write(
      'UPDATE file_processing_steps SET completed_at = :at WHERE file_id = :fileId AND step_name = :name',
      {
        ...step('skipped', 'check_text'),
        at: old(999),
      },
    );
    await sql.write(
      'DELETE FROM file_processing_steps WHERE file_id = :fileId AND step_name = :name',
      step('uploads', 'upload_to_dropbox'),
    );
    await sql.write(
      `INSERT INTO file_processing_steps (file_id, step_name, status, attempts, created_at, updated_at)
       VALUES (:fileId, 'finalize_document_storage', 'success', 1, :at, :at)`,
      { fileId: db.id('in_flight'), at: old(0) },
    );
    await sql.write(`UPDATE files SET processing_status = 'failed' WHERE id = :fileId`, {
      fileId: db.id('upper_case'),
    });
  } finally {
    await close();
  }
}

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`verify on ${backend.title}`, () => {
    it('passes (exit 0) on a freshly migrated database', async () => {
      const db = await migratedLegacyDatabase(backend, 'verifyok');
      await jsonOf(['logs-to-steps', '--all'], db.url);

      const result = await jsonOf(['verify', '--all'], db.url);

      expect(result).toMatchObject({ filesChecked: 12, filesInvalid: 0, invalidFiles: [] });
    });

    it('finds each planted discrepancy, names it in words, and exits 1', async () => {
      const db = await migratedLegacyDatabase(backend, 'verifybad');
      await jsonOf(['logs-to-steps', '--all'], db.url);
      await plantDiscrepancies(db);

      const result = await jsonOf(['verify'], db.url, 1);
      const human = await runCli(['verify'], db.url);

      const byFile = new Map(
        (result.invalidFiles as Found[]).map((file) => [file.fileId, file.discrepancies]),
      );
      expect(result.filesInvalid).toBe(7);
      expect(byFile.get(db.id('complete'))).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'step_field', stepName: 'hash_file', field: 'status' }),
          expect.objectContaining({ kind: 'rollup', field: 'status' }),
        ]),
      );
      expect(byFile.get(db.id('failed'))).toEqual([
        expect.objectContaining({ kind: 'step_field', field: 'startedAt' }),
      ]);
      expect(byFile.get(db.id('retried'))).toEqual([
        expect.objectContaining({ kind: 'step_field', field: 'errorMessage' }),
      ]);
      expect(byFile.get(db.id('skipped'))).toEqual([
        expect.objectContaining({ kind: 'step_field', field: 'completedAt' }),
      ]);
      expect(byFile.get(db.id('uploads'))).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'missing_step', stepName: 'upload_to_dropbox' }),
        ]),
      );
      expect(byFile.get(db.id('in_flight'))).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'extra_step', stepName: 'finalize_document_storage' }),
        ]),
      );
      expect(byFile.get(db.id('upper_case'))).toEqual([
        expect.objectContaining({ kind: 'rollup', field: 'status' }),
      ]);
      expect(human.code).toBe(1);
      expect(human.stdout).toContain(`File ${db.id('complete')}:`);
      expect(human.stdout).toContain('Step hash_file: status is in_progress but its logs say success.');
      expect(human.stdout).toContain(
        'Step upload_to_dropbox has logs ending in success but no row in file_processing_steps.',
      );
      expect(human.stdout).toContain(
        `File ${db.id('upper_case')}: stored status is failed but its steps give pending.`,
      );
      expect(human.stdout).toMatch(/files invalid\s+│\s+7/);
    });

    it('--file-id checks one file: exit 0 when it is right, 1 when it is not, 2 when there is no such file', async () => {
      const db = await migratedLegacyDatabase(backend, 'verifyone');
      await jsonOf(['logs-to-steps', '--all'], db.url);
      await plantDiscrepancies(db);

      expect((await runCli(['verify', '--file-id', String(db.id('noise'))], db.url)).code).toBe(0);
      expect((await runCli(['verify', '--file-id', String(db.id('retried'))], db.url)).code).toBe(1);
      const missing = await runCli(['verify', '--file-id', '424242'], db.url);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('File 424242 does not exist');
    });
  });
}
