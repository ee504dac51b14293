import Database from 'better-sqlite3';

/** DocuElevate's three tables as its SQLAlchemy models create them on SQLite, extra columns included. */
export const DOCUELEVATE_SQLITE_DDL = `
CREATE TABLE files (
  id INTEGER NOT NULL, owner_id VARCHAR, filehash VARCHAR NOT NULL, original_filename VARCHAR,
  local_filename VARCHAR NOT NULL, original_file_path VARCHAR, processed_file_path VARCHAR,
  file_size INTEGER NOT NULL, mime_type VARCHAR, is_duplicate BOOLEAN NOT NULL, duplicate_of_id INTEGER,
  ocr_text TEXT, ocr_quality_score INTEGER, ai_metadata TEXT, document_title VARCHAR, pipeline_id INTEGER,
  created_at DATETIME DEFAULT (CURRENT_TIMESTAMP),
  PRIMARY KEY (id), FOREIGN KEY(duplicate_of_id) REFERENCES files (id)
);
CREATE INDEX ix_files_id ON files (id);
CREATE INDEX ix_files_filehash ON files (filehash);
CREATE TABLE file_processing_steps (
  id INTEGER NOT NULL, file_id INTEGER NOT NULL, step_name VARCHAR NOT NULL, status VARCHAR NOT NULL,
  started_at DATETIME, completed_at DATETIME, error_message TEXT,
  created_at DATETIME DEFAULT (CURRENT_TIMESTAMP), updated_at DATETIME DEFAULT (CURRENT_TIMESTAMP),
  PRIMARY KEY (id), CONSTRAINT unique_file_step UNIQUE (file_id, step_name), FOREIGN KEY(file_id) REFERENCES files (id)
);
CREATE INDEX ix_file_processing_steps_file_id ON file_processing_steps (file_id);
CREATE TABLE processing_logs (
  id INTEGER NOT NULL, file_id INTEGER, task_id VARCHAR, step_name VARCHAR, status VARCHAR, message VARCHAR,
  detail TEXT, timestamp DATETIME DEFAULT (CURRENT_TIMESTAMP),
  PRIMARY KEY (id), FOREIGN KEY(file_id) REFERENCES files (id)
);
CREATE INDEX ix_processing_logs_file_id ON processing_logs (file_id);
`;

/** Creates a DocuElevate database at `path` with two files, their logs and one step row. */
export function createDocuElevateDatabase(path: string): void {
  const db = new Database(path);
  db.exec(DOCUELEVATE_SQLITE_DDL);
  db.exec(`
    INSERT INTO files (id, owner_id, filehash, original_filename, local_filename, file_size, mime_type, is_duplicate,
      ocr_text, created_at)
    VALUES (1, 'alice', 'h1', 'invoice.pdf', '/workdir/tmp/1.pdf', 1000, 'application/pdf', 0, 'text', '2024-01-15 10:00:00'),
           (2, NULL, 'h2', 'scan.pdf', '/workdir/tmp/2.pdf', 2000, 'application/pdf', 0, NULL, '2024-01-15 11:00:00.250000');
    INSERT INTO processing_logs (file_id, task_id, step_name, status, message, detail, timestamp) VALUES
      (1, 't1', 'hash_file', 'in_progress', 'Starting', NULL, '2024-01-15 10:00:01'),
      (1, 't1', 'hash_file', 'success', 'Hash: abc', NULL, '2024-01-15 10:00:01'),
      (1, 't2', 'check_text', 'SUCCESS', NULL, NULL, '2024-01-15 10:00:02.500000'),
      (NULL, 't9', 'poll_task', 'in_progress', 'task-level', NULL, '2024-01-15 10:00:03'),
      (2, 't3', 'hash_file', 'failure', NULL, 'Traceback: disk full', '2024-01-15 11:00:01');
    INSERT INTO file_processing_steps (file_id, step_name, status, started_at, completed_at, created_at, updated_at)
    VALUES (1, 'hash_file', 'success', '2024-01-15 10:00:01', '2024-01-15 10:00:01', '2024-01-15 10:00:01', '2024-01-15 10:00:01');
  `);
  db.close();
}

/** Every row of DocuElevate's tables, in id order, with DocuElevate's columns only. */
export function docuElevateRows(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    return {
      files: db
        .prepare(
          `SELECT id, owner_id, filehash, original_filename, local_filename, original_file_path, processed_file_path,
             file_size, mime_type, is_duplicate, duplicate_of_id, ocr_text, ai_metadata, created_at FROM files ORDER BY id`,
        )
        .all(),
      steps: db
        .prepare(
          `SELECT id, file_id, step_name, status, started_at, completed_at, error_message, created_at, updated_at
           FROM file_processing_steps ORDER BY id`,
        )
        .all(),
      logs: db
        .prepare(
          'SELECT id, file_id, task_id, step_name, status, message, detail, timestamp FROM processing_logs ORDER BY id',
        )
        .all(),
    };
  } finally {
    db.close();
  }
}
