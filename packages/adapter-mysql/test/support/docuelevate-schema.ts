import { docuElevateStatements } from '@steptrail/test-servers/docuelevate-schema';

/** DocuElevate's schema as MySQL would have it (derived from its PostgreSQL DDL: see docuElevateStatements). */
export const docuElevateDdl = (): string[] => docuElevateStatements('mysql');

/** An older DocuElevate: processing_logs.file_id without index=True, so InnoDB made the foreign key's index itself. */
export const docuElevateDdlWithoutLogFileIndex = (): string[] =>
  docuElevateDdl().filter((statement) => !statement.includes('ix_processing_logs_file_id'));

/**
 * A DocuElevate database its operator tuned by hand: a shorter task_id with a comment and a shorter status, an
 * updated_at the server maintains itself (with a comment that quotes SQL), and files.created_at at milliseconds.
 */
export const docuElevateDdlHandTuned = (): string[] => [
  ...docuElevateDdl(),
  "ALTER TABLE processing_logs MODIFY task_id VARCHAR(36) COMMENT 'Celery''s task id', MODIFY status VARCHAR(32)",
  `ALTER TABLE file_processing_steps MODIFY updated_at DATETIME NOT NULL DEFAULT now() ON UPDATE now()
     COMMENT 'set by DEFAULT current_timestamp()'`,
  'ALTER TABLE files MODIFY created_at DATETIME(3) DEFAULT now(3)',
];

/** Rows a running DocuElevate leaves behind: text in many scripts, JSON, a duplicate, task-level history. */
export const DOCUELEVATE_ROWS: readonly string[] = [
  `INSERT INTO files (id, owner_id, filehash, original_filename, local_filename, original_file_path, processed_file_path,
     file_size, mime_type, is_duplicate, legal_hold, duplicate_of_id, ocr_text, ocr_quality_score, ai_metadata,
     document_title, embedding, created_at)
   VALUES
   (1, 'alice@example.com', 'a1b2', 'Rechnung März.pdf', '/workdir/tmp/1.pdf', '/workdir/original/1.pdf',
     '/workdir/processed/2024-03-01_Rechnung.pdf', 52344, 'application/pdf', FALSE, TRUE, NULL,
     'Rechnung über 12,50 € 🧾', 87, '{"title": "Rechnung", "tags": ["finanzen"]}', 'Rechnung März', '[0.12, -0.5]',
     '2024-03-01 09:15:02'),
   (2, NULL, 'a1b2', 'copy.pdf', '/workdir/tmp/2.pdf', NULL, NULL, 52344, 'application/pdf', TRUE, FALSE, 1, NULL, NULL,
     NULL, NULL, NULL, '2024-03-01 09:20:00'),
   (3, 'bob', 'c3d4', NULL, '/workdir/tmp/3.png', NULL, NULL, 10, NULL, FALSE, FALSE, NULL, NULL, NULL, NULL, NULL, NULL,
     NULL)`,
  `INSERT INTO file_processing_steps (file_id, step_name, status, started_at, completed_at, error_message, created_at, updated_at)
   VALUES
   (1, 'hash_file', 'success', '2024-03-01 09:15:03', '2024-03-01 09:15:03', NULL, '2024-03-01 09:15:02', '2024-03-01 09:15:03'),
   (1, 'extract_text', 'failure', '2024-03-01 09:15:04', '2024-03-01 09:16:00', 'OCR timeout – 60 s', '2024-03-01 09:15:02', '2024-03-01 09:16:00'),
   (1, 'send_to_all_destinations', 'pending', NULL, NULL, NULL, '2024-03-01 09:15:02', '2024-03-01 09:15:02'),
   (3, 'hash_file', 'in_progress', '2024-03-02 10:00:00', NULL, NULL, '2024-03-02 10:00:00', '2024-03-02 10:00:00')`,
  `INSERT INTO processing_logs (file_id, task_id, step_name, status, message, detail, timestamp)
   VALUES
   (1, 'celery-1', 'hash_file', 'in_progress', NULL, NULL, '2024-03-01 09:15:03'),
   (1, 'celery-1', 'hash_file', 'success', 'Hash computed ✅', NULL, '2024-03-01 09:15:03'),
   (1, 'celery-2', 'extract_text', 'failure', 'OCR timeout – 60 s', 'Traceback (most recent call last): …', '2024-03-01 09:16:00'),
   (NULL, 'celery-9', 'poll_task', 'SUCCESS', 'task-level note', NULL, '2024-03-01 09:17:00'),
   (3, NULL, NULL, NULL, 'a note without step', NULL, '2024-03-02 10:00:00')`,
];
