import Database from 'better-sqlite3';
import { docuElevateStatements } from '@steptrail/test-servers/docuelevate-schema';

/** Creates a DocuElevate database at `path` (its real schema) with two files, their logs and one step row. */
export function createDocuElevateDatabase(path: string): void {
  const db = new Database(path);
  try {
    for (const statement of docuElevateStatements('sqlite')) db.exec(statement);
    db.exec(`
      INSERT INTO files (id, owner_id, filehash, original_filename, local_filename, file_size, mime_type, is_duplicate,
        legal_hold, ocr_text, created_at)
      VALUES (1, 'alice', 'h1', 'invoice.pdf', '/workdir/tmp/1.pdf', 1000, 'application/pdf', 0, 0, 'text', '2024-01-15 10:00:00'),
             (2, NULL, 'h2', 'scan.pdf', '/workdir/tmp/2.pdf', 2000, 'application/pdf', 0, 0, NULL, '2024-01-15 11:00:00.250000');
      INSERT INTO processing_logs (file_id, task_id, step_name, status, message, detail, timestamp) VALUES
        (1, 't1', 'hash_file', 'in_progress', 'Starting', NULL, '2024-01-15 10:00:01'),
        (1, 't1', 'hash_file', 'success', 'Hash: abc', NULL, '2024-01-15 10:00:01'),
        (1, 't2', 'check_text', 'SUCCESS', NULL, NULL, '2024-01-15 10:00:02.500000'),
        (NULL, 't9', 'poll_task', 'in_progress', 'task-level', NULL, '2024-01-15 10:00:03'),
        (2, 't3', 'hash_file', 'failure', NULL, 'Traceback: disk full', '2024-01-15 11:00:01');
      INSERT INTO file_processing_steps (file_id, step_name, status, started_at, completed_at, created_at, updated_at)
      VALUES (1, 'hash_file', 'success', '2024-01-15 10:00:01', '2024-01-15 10:00:01', '2024-01-15 10:00:01', '2024-01-15 10:00:01');
    `);
  } finally {
    db.close();
  }
}

const TABLES = ['files', 'file_processing_steps', 'processing_logs'] as const;

/** DocuElevate's own columns of its three tables, read from a database steptrail has not touched yet. */
export function docuElevateColumns(path: string): Record<string, string[]> {
  const db = new Database(path, { readonly: true });
  try {
    const columns = (table: string) =>
      (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((row) => row.name);
    return Object.fromEntries(TABLES.map((table) => [table, columns(table)]));
  } finally {
    db.close();
  }
}

/** Every row of DocuElevate's tables, in id order, with the given (DocuElevate's) columns only. */
export function docuElevateRows(path: string, columns: Record<string, string[]>): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    return Object.fromEntries(
      TABLES.map((table) => {
        const list = (columns[table] ?? []).map((column) => `"${column}"`).join(', ');
        return [table, db.prepare(`SELECT ${list} FROM ${table} ORDER BY id`).all()];
      }),
    );
  } finally {
    db.close();
  }
}
