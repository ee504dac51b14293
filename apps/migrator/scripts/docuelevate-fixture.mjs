// Legacy DocuElevate databases of any size, generated inside the database with set-based SQL: DocuElevate's real
// schema (the shared fixture, through @steptrail/test-servers), then `files` files with LOGS_PER_FILE log rows each:
// ten steps (eight main steps, a queue and an upload step), each started and finished one second apart.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const fromApp = createRequire(join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json'));
const schemaModule = fromApp.resolve('@steptrail/test-servers/docuelevate-schema');
/** docuElevateStatements(kind) and docuElevateSchemaMissing() of the built @steptrail/test-servers. */
export const { docuElevateStatements, docuElevateSchemaMissing } = await import(
  pathToFileURL(schemaModule).href
);

const STEPS = [
  'hash_file',
  'create_file_record',
  'check_text',
  'extract_text',
  'extract_metadata_with_gpt',
  'embed_metadata_into_pdf',
  'finalize_document_storage',
  'send_to_all_destinations',
  'queue_dropbox',
  'upload_to_dropbox',
];
export const LOGS_PER_FILE = STEPS.length * 2;
/** Files per INSERT … SELECT, so no single statement holds millions of rows in one transaction. */
const FILES_PER_STATEMENT = 25_000;
const EPOCH_SECONDS = 1_704_067_200; // 2024-01-01 00:00:00 UTC

/** (step, status, second offset) rows as a derived table. */
function stepRows(kind) {
  const rows = STEPS.flatMap((step, index) => [
    [step, 'in_progress', index * 2],
    [step, 'success', index * 2 + 1],
  ]);
  if (kind === 'postgres') {
    return `(VALUES ${rows.map(([step, status, k]) => `('${step}', '${status}', ${k})`).join(', ')}) AS s(step, status, k)`;
  }
  return `(${rows.map(([step, status, k]) => `SELECT '${step}' AS step, '${status}' AS status, ${k} AS k`).join(' UNION ALL ')}) s`;
}

function insertFiles(kind, from, to) {
  const columns =
    'filehash, original_filename, local_filename, file_size, mime_type, is_duplicate, legal_hold, created_at';
  switch (kind) {
    case 'sqlite':
      return `WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to})
        INSERT INTO files (${columns}) SELECT 'bench-' || i, 'doc-' || i || '.pdf', '/data/doc.pdf', 1000,
        'application/pdf', 0, 0, '2024-01-01 00:00:00' FROM n`;
    case 'postgres':
      return `INSERT INTO files (${columns}) SELECT 'bench-' || g, 'doc-' || g || '.pdf', '/data/doc.pdf', 1000,
        'application/pdf', false, false, timestamp '2024-01-01 00:00:00' FROM generate_series(${from}, ${to}) g`;
    case 'mysql':
      return `INSERT INTO files (${columns}) SELECT CONCAT('bench-', seq), CONCAT('doc-', seq, '.pdf'), '/data/doc.pdf',
        1000, 'application/pdf', 0, 0, '2024-01-01 00:00:00' FROM seq_${from}_to_${to}`;
  }
  throw new Error(`unknown kind ${kind}`);
}

function insertLogs(kind, fromId, toId) {
  const time = {
    sqlite: `strftime('%Y-%m-%d %H:%M:%S', ${EPOCH_SECONDS} + f.id * 60 + s.k, 'unixepoch')`,
    postgres: `timestamp '2024-01-01 00:00:00' + (f.id * 60 + s.k) * interval '1 second'`,
    mysql: `TIMESTAMP('2024-01-01 00:00:00') + INTERVAL (f.id * 60 + s.k) SECOND`,
  }[kind];
  const task = kind === 'sqlite' || kind === 'postgres' ? `'task-' || f.id` : `CONCAT('task-', f.id)`;
  return `INSERT INTO processing_logs (file_id, task_id, step_name, status, message, timestamp)
    SELECT f.id, ${task}, s.step, s.status, 'bench', ${time}
    FROM files f CROSS JOIN ${stepRows(kind)}
    WHERE f.id BETWEEN ${fromId} AND ${toId} ORDER BY f.id, s.k`;
}

/** Creates DocuElevate's tables and `files` legacy files with their logs; `query` runs one SQL statement. */
export async function generateLegacyDatabase(query, kind, files) {
  for (const statement of docuElevateStatements(kind)) await query(statement);
  for (let from = 1; from <= files; from += FILES_PER_STATEMENT) {
    const to = Math.min(files, from + FILES_PER_STATEMENT - 1);
    await query(insertFiles(kind, from, to));
  }
  const [range] = await query('SELECT MIN(id) AS first, MAX(id) AS last FROM files');
  const first = Number(range.first);
  const last = Number(range.last);
  for (let from = first; from <= last; from += FILES_PER_STATEMENT) {
    await query(insertLogs(kind, from, Math.min(last, from + FILES_PER_STATEMENT - 1)));
  }
}

const EDGE_EPOCH = '2023-06-01 12:00:';

/**
 * One small file per legacy behaviour the backfill must handle (same-second start and finish, statuses in capitals,
 * unknown and null statuses, rows without a step name, retries, a failure with only a detail, a skipped step) and
 * one task-level row. Statements are portable and run one row at a time, so ids follow the order below.
 */
const EDGE_CASES = {
  'edge-same-second': [
    ['hash_file', 'in_progress', 0],
    ['hash_file', 'success', 0],
  ],
  'edge-capitals': [
    ['hash_file', 'IN_PROGRESS', 1],
    ['hash_file', 'SUCCESS', 2],
    ['check_text', 'QUEUED', 3],
    ['check_text', 'SKIPPED', 4],
  ],
  'edge-noise': [
    ['hash_file', 'in_progress', 5],
    ['hash_file', 'warning', 6],
    ['hash_file', null, 6],
    ['hash_file', 'success', 7],
    [null, null, 7, 'a note without a step'],
    ['extract_text', 'started', 8],
  ],
  'edge-retry': [
    ['extract_text', 'in_progress', 10],
    ['extract_text', 'failure', 11, 'OCR timeout'],
    ['extract_text', 'queued', 12],
    ['extract_text', 'in_progress', 13],
    ['extract_text', 'success', 14],
  ],
  'edge-failure-detail': [
    ['check_text', 'in_progress', 20],
    ['check_text', 'failure', 21, null, 'Traceback: PDF is encrypted'],
  ],
  'edge-skipped': [['check_text', 'skipped', 30]],
};

const literal = (value) =>
  value === null || value === undefined ? 'NULL' : `'${String(value).replace(/'/g, "''")}'`;

/** Plants EDGE_CASES (after generateLegacyDatabase created the tables); returns how many files it added. */
export async function plantEdgeCases(query) {
  for (const [hash, logs] of Object.entries(EDGE_CASES)) {
    await query(
      `INSERT INTO files (filehash, original_filename, local_filename, file_size, mime_type, is_duplicate, legal_hold,
         created_at)
       VALUES (${literal(hash)}, ${literal(`${hash}.pdf`)}, '/data/edge.pdf', 1000, 'application/pdf', ${literal(0)},
         ${literal(0)}, '2023-06-01 12:00:00')`,
    );
    for (const [step, status, second, message, detail] of logs) {
      await query(
        `INSERT INTO processing_logs (file_id, task_id, step_name, status, message, detail, timestamp)
         SELECT f.id, 'edge', ${literal(step)}, ${literal(status)}, ${literal(message)}, ${literal(detail)},
           ${literal(`${EDGE_EPOCH}${String(second).padStart(2, '0')}`)}
         FROM files f WHERE f.filehash = ${literal(hash)}`,
      );
    }
  }
  await query(
    `INSERT INTO processing_logs (file_id, task_id, step_name, status, message, timestamp)
     VALUES (NULL, 'celery-beat', 'poll_inbox', 'success', 'IMAP poll', '2023-06-01 12:00:40')`,
  );
  return Object.keys(EDGE_CASES).length;
}
