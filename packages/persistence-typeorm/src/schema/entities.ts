import { EntitySchema, type ColumnType } from 'typeorm';

/**
 * The three tables as TypeORM entity schemas: DocuElevate's names and columns plus steptrail's. Migrations, not
 * these schemas, create the tables (synchronize is never on); the schemas describe what a migrated database must
 * contain, so tooling can compare the two. Timestamps use the dialect's type (text on SQLite, timestamptz on
 * PostgreSQL, DATETIME(6) on MySQL).
 */
export interface StoredFileColumns {
  id: number;
  filehash: string;
  original_filename: string | null;
  local_filename: string;
  file_size: number;
  mime_type: string | null;
  is_duplicate: boolean;
  duplicate_of_id: number | null;
  created_at: Date | null;
  workflow: string | null;
  managed: boolean;
  processing_status: string;
  has_errors: boolean;
  total_steps: number;
  completed_steps: number;
  failed_steps: number;
  in_progress_steps: number;
  skipped_steps: number;
  last_step: string | null;
  status_changed_at: Date | null;
  updated_at: Date | null;
}

export interface StoredStepColumns {
  id: number;
  file_id: number;
  step_name: string;
  status: string;
  started_at: Date | null;
  completed_at: Date | null;
  error_message: string | null;
  created_at: Date | null;
  updated_at: Date | null;
  attempts: number;
  last_event_at: Date | null;
  last_event_id: number | null;
  run_after: Date | null;
  lease_owner: string | null;
  lease_expires_at: Date | null;
}

export interface StoredLogColumns {
  id: number;
  file_id: number | null;
  task_id: string | null;
  step_name: string | null;
  status: string | null;
  message: string | null;
  detail: string | null;
  timestamp: Date | null;
}

export interface SteptrailEntities {
  files: EntitySchema<StoredFileColumns>;
  steps: EntitySchema<StoredStepColumns>;
  logs: EntitySchema<StoredLogColumns>;
}

export function steptrailEntities(timestamp: ColumnType, text: ColumnType = 'text'): SteptrailEntities {
  const time = { type: timestamp, nullable: true } as const;
  const name = { type: 'varchar', length: 255 } as const;
  const count = { type: 'integer', default: 0 } as const;
  const files = new EntitySchema<StoredFileColumns>({
    name: 'files',
    tableName: 'files',
    columns: {
      id: { type: 'integer', primary: true, generated: 'increment' },
      filehash: { ...name },
      original_filename: { ...name, nullable: true },
      local_filename: { ...name },
      file_size: { type: 'integer' },
      mime_type: { ...name, nullable: true },
      is_duplicate: { type: 'boolean', default: false },
      duplicate_of_id: { type: 'integer', nullable: true },
      created_at: time,
      workflow: { type: text, nullable: true },
      managed: { type: 'boolean', default: false },
      processing_status: { type: 'varchar', length: 16, default: 'pending' },
      has_errors: { type: 'boolean', default: false },
      total_steps: count,
      completed_steps: count,
      failed_steps: count,
      in_progress_steps: count,
      skipped_steps: count,
      last_step: { ...name, nullable: true },
      status_changed_at: time,
      updated_at: time,
    },
    indices: [
      { name: 'ix_files_status_id', columns: ['processing_status', 'id'] },
      { name: 'ix_files_filehash', columns: ['filehash'] },
    ],
  });
  const steps = new EntitySchema<StoredStepColumns>({
    name: 'file_processing_steps',
    tableName: 'file_processing_steps',
    columns: {
      id: { type: 'integer', primary: true, generated: 'increment' },
      file_id: { type: 'integer' },
      step_name: { ...name },
      status: { ...name },
      started_at: time,
      completed_at: time,
      error_message: { type: text, nullable: true },
      created_at: time,
      updated_at: time,
      attempts: count,
      last_event_at: time,
      last_event_id: { type: 'bigint', nullable: true },
      run_after: time,
      lease_owner: { ...name, nullable: true },
      lease_expires_at: time,
    },
    uniques: [{ name: 'unique_file_step', columns: ['file_id', 'step_name'] }],
    indices: [
      { name: 'ix_steps_runnable', columns: ['status', 'run_after'], where: "status = 'pending'" },
      { name: 'ix_steps_lease', columns: ['status', 'lease_expires_at'], where: "status = 'in_progress'" },
    ],
  });
  const logs = new EntitySchema<StoredLogColumns>({
    name: 'processing_logs',
    tableName: 'processing_logs',
    columns: {
      id: { type: 'integer', primary: true, generated: 'increment' },
      file_id: { type: 'integer', nullable: true },
      task_id: { ...name, nullable: true },
      step_name: { ...name, nullable: true },
      status: { ...name, nullable: true },
      message: { type: text, nullable: true },
      detail: { type: text, nullable: true },
      timestamp: time,
    },
    indices: [
      { name: 'ix_processing_logs_file_step_time', columns: ['file_id', 'step_name', 'timestamp', 'id'] },
      { name: 'ix_processing_logs_file_time', columns: ['file_id', 'timestamp', 'id'] },
    ],
  });
  return { files, steps, logs };
}
