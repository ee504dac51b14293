import type { SqlRunner } from '../../src/sql/sql-runner.js';
import { docuElevateStatements } from '@steptrail/test-servers/docuelevate-schema';
import type { BackendKind } from './databases.js';

const STEPS = ['hash_file', 'create_file_record', 'check_text', 'extract_text', 'extract_metadata_with_gpt'];
const ROWS_PER_INSERT = 500;
const BASE = Date.UTC(2024, 1, 1, 0, 0, 0);

const wallTime = (offsetSeconds: number) =>
  new Date(BASE + offsetSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ');

/** Logs per bulk file: a start and a finish per step, and one row with a word the fold ignores. */
export const LOGS_PER_BULK_FILE = STEPS.length * 2 + 1;
export const STEPS_PER_BULK_FILE = STEPS.length;

/** DocuElevate's tables with `files` legacy files, each with LOGS_PER_BULK_FILE log rows, inserted in bulk. */
export async function plantBulkFixture(sql: SqlRunner, kind: BackendKind, files: number): Promise<void> {
  for (const statement of docuElevateStatements(kind)) await sql.write(statement);
  for (let start = 0; start < files; start += ROWS_PER_INSERT) {
    const count = Math.min(ROWS_PER_INSERT, files - start);
    const values = Array.from(
      { length: count },
      (_, index) =>
        `('bulk-${start + index}', 'bulk-${start + index}.pdf', '/tmp/bulk.pdf', 1000, :no, :no, :at)`,
    );
    await sql.write(
      `INSERT INTO files (filehash, original_filename, local_filename, file_size, is_duplicate, legal_hold, created_at)
       VALUES ${values.join(', ')}`,
      { at: wallTime(0), no: false },
    );
  }
  const ids = (await sql.rows(`SELECT id FROM files WHERE filehash LIKE 'bulk-%' ORDER BY id`)).map((row) =>
    Number(row.id),
  );
  let rows: string[] = [];
  const flush = async () => {
    if (rows.length === 0) return;
    await sql.write(
      `INSERT INTO processing_logs (file_id, step_name, status, message, timestamp) VALUES ${rows.join(', ')}`,
    );
    rows = [];
  };
  for (const [fileIndex, fileId] of ids.entries()) {
    const at = fileIndex * 20;
    STEPS.forEach((step, stepIndex) => {
      rows.push(`(${fileId}, '${step}', 'in_progress', NULL, '${wallTime(at + stepIndex * 2)}')`);
      rows.push(`(${fileId}, '${step}', 'success', 'done', '${wallTime(at + stepIndex * 2 + 1)}')`);
    });
    rows.push(`(${fileId}, 'hash_file', 'warning', 'slow disk', '${wallTime(at + 15)}')`);
    if (rows.length >= ROWS_PER_INSERT) await flush();
  }
  await flush();
}
