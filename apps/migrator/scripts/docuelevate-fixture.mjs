// Legacy DocuElevate databases of any size, generated inside the database with set-based SQL: DocuElevate's
// tables (as its SQLAlchemy models create them, same DDL as apps/migrator/test/support/docuelevate-schema.ts),
// then `files` files with LOGS_PER_FILE log rows each: ten steps (eight main steps, a queue and an upload step),
// each started and finished one second apart.

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

const SPELLING = {
  sqlite: {
    id: 'INTEGER NOT NULL',
    varchar: 'VARCHAR',
    datetime: 'DATETIME',
    boolean: 'BOOLEAN',
    options: '',
  },
  postgres: {
    id: 'SERIAL NOT NULL',
    varchar: 'VARCHAR',
    datetime: 'TIMESTAMP WITHOUT TIME ZONE',
    boolean: 'BOOLEAN',
    options: '',
  },
  mysql: {
    id: 'INTEGER NOT NULL AUTO_INCREMENT',
    varchar: 'VARCHAR(255)',
    datetime: 'DATETIME',
    boolean: 'BOOL',
    options: ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
  },
};

function ddl(kind) {
  const s = SPELLING[kind];
  return [
    `CREATE TABLE files (id ${s.id}, owner_id ${s.varchar}, filehash ${s.varchar} NOT NULL, original_filename ${s.varchar},
      local_filename ${s.varchar} NOT NULL, original_file_path ${s.varchar}, processed_file_path ${s.varchar},
      file_size INTEGER NOT NULL, mime_type ${s.varchar}, is_duplicate ${s.boolean}, duplicate_of_id INTEGER, ocr_text TEXT,
      ai_metadata TEXT, document_title ${s.varchar}, created_at ${s.datetime},
      PRIMARY KEY (id), FOREIGN KEY(duplicate_of_id) REFERENCES files (id))${s.options}`,
    'CREATE INDEX ix_files_id ON files (id)',
    'CREATE INDEX ix_files_filehash ON files (filehash)',
    `CREATE TABLE file_processing_steps (id ${s.id}, file_id INTEGER NOT NULL, step_name ${s.varchar} NOT NULL,
      status ${s.varchar} NOT NULL, started_at ${s.datetime}, completed_at ${s.datetime}, error_message TEXT,
      created_at ${s.datetime}, updated_at ${s.datetime}, PRIMARY KEY (id),
      CONSTRAINT unique_file_step UNIQUE (file_id, step_name),
      FOREIGN KEY(file_id) REFERENCES files (id) ON DELETE CASCADE)${s.options}`,
    `CREATE TABLE processing_logs (id ${s.id}, file_id INTEGER, task_id ${s.varchar}, step_name ${s.varchar},
      status ${s.varchar}, message ${s.varchar}, detail TEXT, timestamp ${s.datetime},
      PRIMARY KEY (id), FOREIGN KEY(file_id) REFERENCES files (id))${s.options}`,
    'CREATE INDEX ix_processing_logs_file_id ON processing_logs (file_id)',
    'CREATE INDEX ix_processing_logs_task_id ON processing_logs (task_id)',
  ];
}

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
    'filehash, original_filename, local_filename, file_size, mime_type, is_duplicate, created_at';
  switch (kind) {
    case 'sqlite':
      return `WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to})
        INSERT INTO files (${columns}) SELECT 'bench-' || i, 'doc-' || i || '.pdf', '/data/doc.pdf', 1000,
        'application/pdf', 0, '2024-01-01 00:00:00' FROM n`;
    case 'postgres':
      return `INSERT INTO files (${columns}) SELECT 'bench-' || g, 'doc-' || g || '.pdf', '/data/doc.pdf', 1000,
        'application/pdf', false, timestamp '2024-01-01 00:00:00' FROM generate_series(${from}, ${to}) g`;
    case 'mysql':
      return `INSERT INTO files (${columns}) SELECT CONCAT('bench-', seq), CONCAT('doc-', seq, '.pdf'), '/data/doc.pdf',
        1000, 'application/pdf', 0, '2024-01-01 00:00:00' FROM seq_${from}_to_${to}`;
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
  for (const statement of ddl(kind)) await query(statement);
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
      `INSERT INTO files (filehash, original_filename, local_filename, file_size, mime_type, is_duplicate, created_at)
       VALUES (${literal(hash)}, ${literal(`${hash}.pdf`)}, '/data/edge.pdf', 1000, 'application/pdf', ${literal(0)}, '2023-06-01 12:00:00')`,
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
