/**
 * DocuElevate's three tables as its SQLAlchemy models create them on each database (`Base.metadata.create_all`),
 * including columns steptrail never reads. Timestamps are SQLAlchemy's DateTime: text on SQLite,
 * `timestamp without time zone` on PostgreSQL and second-precision DATETIME on MySQL/MariaDB.
 */
export type BackendKind = 'sqlite' | 'postgres' | 'mysql';

interface Spelling {
  id: string;
  text: string;
  varchar: string;
  datetime: string;
  boolean: string;
  now: string;
  tableOptions: string;
}

const SPELLINGS: Record<BackendKind, Spelling> = {
  sqlite: {
    id: 'INTEGER NOT NULL',
    text: 'TEXT',
    varchar: 'VARCHAR',
    datetime: 'DATETIME',
    boolean: 'BOOLEAN',
    now: '(CURRENT_TIMESTAMP)',
    tableOptions: '',
  },
  postgres: {
    id: 'SERIAL NOT NULL',
    text: 'TEXT',
    varchar: 'VARCHAR',
    datetime: 'TIMESTAMP WITHOUT TIME ZONE',
    boolean: 'BOOLEAN',
    now: 'now()',
    tableOptions: '',
  },
  mysql: {
    id: 'INTEGER NOT NULL AUTO_INCREMENT',
    text: 'TEXT',
    varchar: 'VARCHAR(255)',
    datetime: 'DATETIME',
    boolean: 'BOOL',
    now: 'now()',
    tableOptions: ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
  },
};

/** The CREATE statements, in dependency order. */
export function docuElevateDdl(kind: BackendKind): string[] {
  const s = SPELLINGS[kind];
  const fk = (column: string, target: string, extra = '') =>
    `FOREIGN KEY(${column}) REFERENCES ${target} (id)${extra}`;
  return [
    `CREATE TABLE files (
      id ${s.id}, owner_id ${s.varchar}, filehash ${s.varchar} NOT NULL, original_filename ${s.varchar},
      local_filename ${s.varchar} NOT NULL, original_file_path ${s.varchar}, processed_file_path ${s.varchar},
      file_size INTEGER NOT NULL, mime_type ${s.varchar}, is_duplicate ${s.boolean}, duplicate_of_id INTEGER,
      ocr_text ${s.text}, ai_metadata ${s.text}, document_title ${s.varchar},
      created_at ${s.datetime} DEFAULT ${s.now},
      PRIMARY KEY (id), ${fk('duplicate_of_id', 'files')})${s.tableOptions}`,
    'CREATE INDEX ix_files_id ON files (id)',
    'CREATE INDEX ix_files_filehash ON files (filehash)',
    'CREATE INDEX ix_files_owner_id ON files (owner_id)',
    `CREATE TABLE file_processing_steps (
      id ${s.id}, file_id INTEGER NOT NULL, step_name ${s.varchar} NOT NULL, status ${s.varchar} NOT NULL,
      started_at ${s.datetime}, completed_at ${s.datetime}, error_message ${s.text},
      created_at ${s.datetime} DEFAULT ${s.now}, updated_at ${s.datetime} DEFAULT ${s.now},
      PRIMARY KEY (id), CONSTRAINT unique_file_step UNIQUE (file_id, step_name),
      ${fk('file_id', 'files', ' ON DELETE CASCADE')})${s.tableOptions}`,
    'CREATE INDEX ix_file_processing_steps_id ON file_processing_steps (id)',
    'CREATE INDEX ix_file_processing_steps_file_id ON file_processing_steps (file_id)',
    'CREATE INDEX idx_file_step_status ON file_processing_steps (file_id, step_name, status)',
    `CREATE TABLE processing_logs (
      id ${s.id}, file_id INTEGER, task_id ${s.varchar}, step_name ${s.varchar}, status ${s.varchar},
      message ${s.varchar}, detail ${s.text}, timestamp ${s.datetime},
      PRIMARY KEY (id), ${fk('file_id', 'files')})${s.tableOptions}`,
    'CREATE INDEX ix_processing_logs_id ON processing_logs (id)',
    'CREATE INDEX ix_processing_logs_task_id ON processing_logs (task_id)',
    'CREATE INDEX ix_processing_logs_file_id ON processing_logs (file_id)',
  ];
}

/** The DocuElevate columns of each table, for comparing rows before and after `schema up`. */
export const DOCUELEVATE_COLUMNS = {
  files: [
    'id',
    'owner_id',
    'filehash',
    'original_filename',
    'local_filename',
    'original_file_path',
    'processed_file_path',
    'file_size',
    'mime_type',
    'is_duplicate',
    'duplicate_of_id',
    'ocr_text',
    'ai_metadata',
    'document_title',
    'created_at',
  ],
  file_processing_steps: [
    'id',
    'file_id',
    'step_name',
    'status',
    'started_at',
    'completed_at',
    'error_message',
    'created_at',
    'updated_at',
  ],
  processing_logs: ['id', 'file_id', 'task_id', 'step_name', 'status', 'message', 'detail', 'timestamp'],
} as const;
