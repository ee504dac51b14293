import { SCHEMA_PLAN } from '@steptrail/persistence-typeorm';
import type pg from 'pg';

/** DocuElevate's tables the snapshots compare: steptrail's three and one it never touches. */
export const DOCUELEVATE_TABLES = [
  'files',
  'file_processing_steps',
  'processing_logs',
  'application_settings',
];

/** Instants the seeded rows carry, as UTC text PostgreSQL reads into either timestamp type. */
export const SEEDED = {
  uploaded: '2024-05-01 10:00:00.123456+00',
  hashStarted: '2024-05-01 10:00:01.250+00',
  hashDone: '2024-05-01 10:00:02.5+00',
  textStarted: '2024-05-01 10:00:03+00',
  textFailed: '2024-05-01 10:00:04.75+00',
} as const;

/** Ids of the seeded DocuElevate files. */
export const FILE = { processed: 1, duplicate: 2, logsOnly: 3 } as const;

/** Rows a running DocuElevate leaves: a processed file with step rows, its duplicate, a file with logs only. */
export async function seedDocuElevateRows(client: pg.Client): Promise<void> {
  const s = SEEDED;
  await client.query(
    `INSERT INTO files (owner_id, filehash, original_filename, local_filename, original_file_path, processed_file_path,
       file_size, mime_type, is_duplicate, legal_hold, duplicate_of_id, ocr_text, ai_metadata, document_title, created_at)
     VALUES ('alice@example.com', 'h1', 'Invoice ä.pdf', '/workdir/tmp/1.pdf', '/workdir/original/1.pdf',
       '/workdir/processed/2024-05-01_Invoice.pdf', 48213, 'application/pdf', false, false, NULL, 'Total: 12,50 €',
       '{"title":"Invoice","tags":["bill"]}', 'Invoice', '${s.uploaded}'),
     ('alice@example.com', 'h1', 'Invoice copy.pdf', '/workdir/tmp/2.pdf', NULL, NULL, 48213, 'application/pdf', true,
       true, 1, NULL, NULL, NULL, '${s.uploaded}'),
     (NULL, 'h3', 'scan.tiff', '/workdir/tmp/3.tiff', NULL, NULL, 9, NULL, false, false, NULL, NULL, NULL, NULL, DEFAULT)`,
  );
  await client.query(
    `INSERT INTO file_processing_steps (file_id, step_name, status, started_at, completed_at, error_message)
     VALUES (1, 'hash_file', 'success', '${s.hashStarted}', '${s.hashDone}', NULL),
            (1, 'upload_to_dropbox', 'completed', NULL, NULL, 'legacy status value')`,
  );
  await client.query(
    `INSERT INTO processing_logs (file_id, task_id, step_name, status, message, detail, timestamp) VALUES
       (1, 't-1', 'hash_file', 'in_progress', 'Hashing', NULL, '${s.hashStarted}'),
       (1, 't-1', 'hash_file', 'success', 'Hashed', NULL, '${s.hashDone}'),
       (3, 't-3', 'hash_file', 'in_progress', NULL, NULL, '${s.hashStarted}'),
       (3, 't-3', 'hash_file', 'SUCCESS', NULL, NULL, '${s.hashDone}'),
       (3, 't-3', 'check_text', 'in_progress', NULL, NULL, '${s.textStarted}'),
       (3, 't-3', 'check_text', 'failure', 'OCR engine timed out', 'Traceback ...', '${s.textFailed}'),
       (NULL, 'beat', NULL, 'success', 'nightly cleanup', NULL, '${s.textFailed}')`,
  );
  await client.query(
    `INSERT INTO application_settings (key, value) VALUES ('database_url', 'postgresql://…')`,
  );
}

/** Columns steptrail adds to DocuElevate's tables: every snapshot leaves them out. */
const STEPTRAIL_COLUMNS = new Set(
  SCHEMA_PLAN.flatMap((table) =>
    table.columns
      .filter((column) => column.origin === 'steptrail')
      .map((column) => `${table.name}.${column.name}`),
  ),
);

/** Every DocuElevate row (DocuElevate's columns) as PostgreSQL prints it, so "unchanged" means unchanged to the byte. */
export async function docuElevateRows(client: pg.Client): Promise<Record<string, string[][]>> {
  const snapshot: Record<string, string[][]> = {};
  for (const table of DOCUELEVATE_TABLES) {
    const names = await client.query<{ name: string }>(
      `SELECT column_name AS name FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    const columns = names.rows
      .map((row) => row.name)
      .filter((name) => !STEPTRAIL_COLUMNS.has(`${table}.${name}`));
    const list = columns.map((column) => `"${column}"::text`).join(', ');
    const result = await client.query<string[]>({
      text: `SELECT ${list} FROM ${table} ORDER BY id`,
      rowMode: 'array',
    });
    snapshot[table] = result.rows;
  }
  return snapshot;
}

export interface SchemaShape {
  columns: string[];
  indexes: string[];
  constraints: string[];
}

/** Columns (with type, nullability, default), index definitions and constraints of the given tables. */
export async function schemaShape(client: pg.Client, tables: readonly string[]): Promise<SchemaShape> {
  const columns = await client.query<{ line: string }>(
    `SELECT table_name || '.' || column_name || ' ' || data_type || COALESCE('(' || datetime_precision || ')', '') ||
       CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END || COALESCE(' default ' || column_default, '') AS line
     FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ANY($1) ORDER BY 1`,
    [tables],
  );
  const indexes = await client.query<{ line: string }>(
    `SELECT indexdef AS line FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY($1) ORDER BY 1`,
    [tables],
  );
  const constraints = await client.query<{ line: string }>(
    `SELECT c.relname || '.' || k.conname || ' ' || pg_get_constraintdef(k.oid) AS line
     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relname = ANY($1) ORDER BY 1`,
    [tables],
  );
  const lines = (rows: Array<{ line: string }>) => rows.map((row) => row.line);
  return { columns: lines(columns.rows), indexes: lines(indexes.rows), constraints: lines(constraints.rows) };
}

/** Names of the tables in the current schema. */
export async function tableNames(client: pg.Client): Promise<string[]> {
  const result = await client.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`,
  );
  return result.rows.map((row) => row.name);
}
