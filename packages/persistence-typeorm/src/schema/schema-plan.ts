/**
 * The tables steptrail needs, column by column, in dialect-neutral terms. Columns marked `docuelevate` are the ones
 * DocuElevate's models create; the rest are steptrail's additions. Migrations create a missing table whole and add
 * only missing columns and indexes to an existing one, so adopting a DocuElevate database changes no existing row
 * (docs/architecture.md#tables, #adoption).
 */
export type ColumnKind = 'id' | 'integer' | 'bigint' | 'boolean' | 'timestamp' | 'varchar' | 'short' | 'text';

export interface PlannedColumn {
  name: string;
  kind: ColumnKind;
  nullable: boolean;
  /** SQL literal used as default (required for NOT NULL columns added to existing tables). */
  defaultValue?: string;
  origin: 'docuelevate' | 'steptrail';
  /** Foreign key target, e.g. "files(id)". */
  references?: string;
}

export interface PlannedIndex {
  name: string;
  columns: readonly string[];
  unique: boolean;
  /** DocuElevate's own indexes (same names as its models create) survive a revert; steptrail's are dropped. */
  origin: 'docuelevate' | 'steptrail';
  /**
   * Rows the index holds, where the database can index part of a table (PostgreSQL, SQLite); MySQL indexes every
   * row. Queries must repeat the condition word for word (literals, not parameters) for the planner to use it.
   */
  where?: string;
}

export interface PlannedTable {
  name: string;
  columns: readonly PlannedColumn[];
  indexes: readonly PlannedIndex[];
}

const doc = (
  name: string,
  kind: ColumnKind,
  nullable: boolean,
  extra: Partial<PlannedColumn> = {},
): PlannedColumn => ({
  name,
  kind,
  nullable,
  origin: 'docuelevate',
  ...extra,
});
const own = (name: string, kind: ColumnKind, nullable: boolean, defaultValue?: string): PlannedColumn =>
  defaultValue === undefined
    ? { name, kind, nullable, origin: 'steptrail' }
    : { name, kind, nullable, origin: 'steptrail', defaultValue };

export const FILES_TABLE: PlannedTable = {
  name: 'files',
  columns: [
    doc('id', 'id', false),
    doc('filehash', 'varchar', false),
    doc('original_filename', 'varchar', true),
    doc('local_filename', 'varchar', false),
    doc('file_size', 'integer', false),
    doc('mime_type', 'varchar', true),
    doc('is_duplicate', 'boolean', false, { defaultValue: 'FALSE' }),
    doc('duplicate_of_id', 'integer', true, { references: 'files(id)' }),
    doc('created_at', 'timestamp', true),
    own('workflow', 'text', true),
    own('managed', 'boolean', false, 'FALSE'),
    own('processing_status', 'short', false, "'pending'"),
    own('has_errors', 'boolean', false, 'FALSE'),
    own('total_steps', 'integer', false, '0'),
    own('completed_steps', 'integer', false, '0'),
    own('failed_steps', 'integer', false, '0'),
    own('in_progress_steps', 'integer', false, '0'),
    own('skipped_steps', 'integer', false, '0'),
    own('last_step', 'varchar', true),
    own('status_changed_at', 'timestamp', true),
    own('updated_at', 'timestamp', true),
    // A deleted file's tombstone: the row stays, hidden from every read, so history that references it (DocuElevate's
    // processing_logs.file_id is a foreign key) keeps its file (docs/architecture.md#deleting-files).
    own('deleted_at', 'timestamp', true),
  ],
  indexes: [
    { name: 'ix_files_status_id', columns: ['processing_status', 'id'], unique: false, origin: 'steptrail' },
    // The reconciler's look for duplicate marks another program flipped: a few point ranges, whatever the counts
    // (docs/architecture.md#foreign-writes).
    {
      name: 'ix_files_duplicate_status',
      columns: ['is_duplicate', 'processing_status'],
      unique: false,
      origin: 'steptrail',
    },
    // SQLAlchemy's name for DocuElevate's `filehash = Column(String, index=True)`.
    { name: 'ix_files_filehash', columns: ['filehash'], unique: false, origin: 'docuelevate' },
    // The file search's orders and filters (docs/architecture.md#file-search).
    { name: 'ix_files_created_id', columns: ['created_at', 'id'], unique: false, origin: 'steptrail' },
    { name: 'ix_files_updated_id', columns: ['updated_at', 'id'], unique: false, origin: 'steptrail' },
    { name: 'ix_files_mime_id', columns: ['mime_type', 'id'], unique: false, origin: 'steptrail' },
    // The deleted files per status, which counts per status take from the counts of ix_files_status_id: both read
    // from the indexes alone (docs/architecture.md#status-counts). Only the tombstones where the database can index
    // part of a table, so no live file's write has one more index to update. Status first: on MySQL, which indexes
    // every row, an index led by deleted_at was intersected with the status index for the failed list (2 s).
    {
      name: 'ix_files_status_deleted',
      columns: ['processing_status', 'deleted_at'],
      unique: false,
      origin: 'steptrail',
      where: 'deleted_at IS NOT NULL',
    },
  ],
};

export const STEPS_TABLE: PlannedTable = {
  name: 'file_processing_steps',
  columns: [
    doc('id', 'id', false),
    doc('file_id', 'integer', false, { references: 'files(id)' }),
    doc('step_name', 'varchar', false),
    doc('status', 'varchar', false),
    doc('started_at', 'timestamp', true),
    doc('completed_at', 'timestamp', true),
    doc('error_message', 'text', true),
    doc('created_at', 'timestamp', true),
    doc('updated_at', 'timestamp', true),
    own('attempts', 'integer', false, '0'),
    own('last_event_at', 'timestamp', true),
    own('last_event_id', 'bigint', true),
    own('run_after', 'timestamp', true),
    own('lease_owner', 'varchar', true),
    own('lease_expires_at', 'timestamp', true),
    // The last heartbeat of an in-progress step and its reporter (docs/architecture.md#stalls).
    own('heartbeat_at', 'timestamp', true),
    own('heartbeat_by', 'varchar', true),
  ],
  indexes: [
    { name: 'unique_file_step', columns: ['file_id', 'step_name'], unique: true, origin: 'docuelevate' },
    // Only the rows workers look for: most steps are finished, and a backfill writes millions of them at once.
    {
      name: 'ix_steps_runnable',
      columns: ['status', 'run_after'],
      unique: false,
      origin: 'steptrail',
      where: "status = 'pending'",
    },
    {
      name: 'ix_steps_lease',
      columns: ['status', 'lease_expires_at'],
      unique: false,
      origin: 'steptrail',
      where: "status = 'in_progress'",
    },
    // Failed steps only: the failure triage by time and the search by failed step (docs/architecture.md#file-search).
    {
      name: 'ix_steps_failed_step',
      columns: ['status', 'step_name', 'file_id'],
      unique: false,
      origin: 'steptrail',
      where: "status = 'failure'",
    },
    {
      name: 'ix_steps_failed_time',
      columns: ['status', 'completed_at'],
      unique: false,
      origin: 'steptrail',
      where: "status = 'failure'",
    },
  ],
};

export const LOGS_TABLE: PlannedTable = {
  name: 'processing_logs',
  columns: [
    doc('id', 'id', false),
    // History outlives the file it describes, so steptrail declares no foreign key here.
    doc('file_id', 'integer', true),
    doc('task_id', 'varchar', true),
    doc('step_name', 'varchar', true),
    doc('status', 'varchar', true),
    doc('message', 'text', true),
    doc('detail', 'text', true),
    doc('timestamp', 'timestamp', true),
  ],
  indexes: [
    {
      name: 'ix_processing_logs_file_step_time',
      columns: ['file_id', 'step_name', 'timestamp', 'id'],
      unique: false,
      origin: 'steptrail',
    },
    {
      name: 'ix_processing_logs_file_time',
      columns: ['file_id', 'timestamp', 'id'],
      unique: false,
      origin: 'steptrail',
    },
    // Events of one kind over a time window: the step timings (docs/architecture.md#timings).
    {
      name: 'ix_processing_logs_status_time',
      columns: ['status', 'timestamp'],
      unique: false,
      origin: 'steptrail',
    },
  ],
};

/**
 * The rollup reconciler's one row: its lease and its cursor over the ids of the three tables above
 * (docs/architecture.md#foreign-writes). steptrail's own table, created whole.
 */
export const RECONCILER_TABLE: PlannedTable = {
  name: 'steptrail_reconciler',
  columns: [
    own('id', 'id', false),
    own('revision', 'bigint', false, '0'),
    own('lease_owner', 'varchar', true),
    own('lease_expires_at', 'timestamp', true),
    own('log_mark', 'bigint', false, '0'),
    own('step_mark', 'bigint', false, '0'),
    own('file_mark', 'bigint', false, '0'),
    own('open_rows', 'text', true),
    own('updated_at', 'timestamp', true),
  ],
  indexes: [],
};

/**
 * The answers to events that carried a client-chosen id (docs/architecture.md#idempotent-events). steptrail's own
 * table, also on an adopted DocuElevate database, so `schema down` drops it whole; like the history it has no
 * foreign key to `files` (deleting a file deletes its receipts in the same transaction).
 */
export const RECEIPTS_TABLE: PlannedTable = {
  name: 'steptrail_event_receipts',
  columns: [
    own('id', 'id', false),
    own('file_id', 'integer', false),
    own('event_id', 'varchar', false),
    own('fingerprint', 'varchar', false),
    own('log_id', 'bigint', false),
    own('outcome', 'text', false),
    own('created_at', 'timestamp', false),
  ],
  indexes: [
    // The key that makes a repeated event a duplicate, across processes and restarts.
    {
      name: 'ux_event_receipts_file_event',
      columns: ['file_id', 'event_id'],
      unique: true,
      origin: 'steptrail',
    },
  ],
};

/** Bulk retries and deletes (docs/architecture.md#bulk-operations): one row per operation, with its counts. */
export const BULK_OPERATIONS_TABLE: PlannedTable = {
  name: 'steptrail_bulk_operations',
  columns: [
    own('id', 'id', false),
    own('kind', 'short', false),
    own('state', 'short', false),
    own('file_filter', 'text', false),
    own('created_by', 'varchar', true),
    own('total', 'integer', false, '0'),
    own('done', 'integer', false, '0'),
    own('skipped', 'integer', false, '0'),
    own('created_at', 'timestamp', false),
    own('updated_at', 'timestamp', false),
    own('finished_at', 'timestamp', true),
  ],
  indexes: [
    {
      name: 'ix_steptrail_bulk_operations_state',
      columns: ['state', 'id'],
      unique: false,
      origin: 'steptrail',
    },
  ],
};

/**
 * The files of a bulk operation and each one's result. No foreign key to `files`: the result of a deleted file
 * stays, like its history.
 */
export const BULK_FILES_TABLE: PlannedTable = {
  name: 'steptrail_bulk_operation_files',
  columns: [
    own('id', 'id', false),
    own('operation_id', 'integer', false),
    own('file_id', 'integer', false),
    own('outcome', 'short', false, "'pending'"),
    own('detail', 'text', true),
    own('processed_at', 'timestamp', true),
  ],
  indexes: [
    {
      name: 'ux_steptrail_bulk_files_operation_file',
      columns: ['operation_id', 'file_id'],
      unique: true,
      origin: 'steptrail',
    },
    // A chunk claims the lowest pending files of its operation.
    {
      name: 'ix_steptrail_bulk_files_pending',
      columns: ['operation_id', 'outcome', 'file_id'],
      unique: false,
      origin: 'steptrail',
    },
  ],
};

/** Webhook subscriptions (docs/architecture.md#webhooks): steptrail's own table, created whole. */
export const WEBHOOKS_TABLE: PlannedTable = {
  name: 'steptrail_webhooks',
  columns: [
    own('id', 'id', false),
    own('url', 'text', false),
    own('events', 'text', false),
    own('secret', 'varchar', false),
    own('created_at', 'timestamp', false),
    // Set while the subscription is paused: its deliveries wait, none is attempted (docs/architecture.md#webhooks).
    own('paused_at', 'timestamp', true),
  ],
  indexes: [],
};

/**
 * The webhooks' outbox: one row per event and subscription, written in the transaction of the change, claimed by
 * dispatchers with SKIP LOCKED (docs/architecture.md#webhooks). No foreign key: deleting a subscription deletes its
 * rows in the same transaction.
 */
export const WEBHOOK_DELIVERIES_TABLE: PlannedTable = {
  name: 'steptrail_webhook_deliveries',
  columns: [
    own('id', 'id', false),
    // The webhook-id header (docs/architecture.md#webhook-ids); null on rows older than the column (their row id).
    own('message_id', 'varchar', true),
    own('webhook_id', 'integer', false),
    own('event_type', 'short', false),
    own('payload', 'text', false),
    own('state', 'short', false, "'pending'"),
    own('attempts', 'integer', false, '0'),
    own('next_attempt_at', 'timestamp', true),
    own('last_status_code', 'integer', true),
    own('last_latency_ms', 'integer', true),
    own('last_error', 'text', true),
    own('created_at', 'timestamp', false),
    own('updated_at', 'timestamp', false),
  ],
  indexes: [
    {
      name: 'ix_webhook_deliveries_due',
      columns: ['state', 'next_attempt_at'],
      unique: false,
      origin: 'steptrail',
    },
    { name: 'ix_webhook_deliveries_hook', columns: ['webhook_id', 'id'], unique: false, origin: 'steptrail' },
  ],
};

/**
 * The delivery log: one row per attempt, written in the transaction that records the attempt's outcome on its
 * delivery (docs/architecture.md#webhooks). Deleted with its subscription.
 */
export const WEBHOOK_ATTEMPTS_TABLE: PlannedTable = {
  name: 'steptrail_webhook_attempts',
  columns: [
    own('id', 'id', false),
    own('delivery_id', 'integer', false),
    own('webhook_id', 'integer', false),
    own('attempt', 'integer', false),
    own('outcome', 'short', false),
    own('status_code', 'integer', true),
    own('latency_ms', 'integer', true),
    own('error', 'text', true),
    own('attempted_at', 'timestamp', false),
  ],
  indexes: [
    {
      name: 'ix_webhook_attempts_delivery',
      columns: ['delivery_id', 'attempt'],
      unique: false,
      origin: 'steptrail',
    },
    { name: 'ix_webhook_attempts_hook', columns: ['webhook_id', 'id'], unique: false, origin: 'steptrail' },
  ],
};

/** The tables the migration `WebhookTables` adds (docs/architecture.md#webhooks). */
export const WEBHOOK_TABLES: readonly PlannedTable[] = [WEBHOOKS_TABLE, WEBHOOK_DELIVERIES_TABLE];

export const SCHEMA_PLAN: readonly PlannedTable[] = [
  FILES_TABLE,
  STEPS_TABLE,
  LOGS_TABLE,
  RECONCILER_TABLE,
  RECEIPTS_TABLE,
  BULK_OPERATIONS_TABLE,
  BULK_FILES_TABLE,
  ...WEBHOOK_TABLES,
  WEBHOOK_ATTEMPTS_TABLE,
];

/**
 * DocuElevate's `files` columns that are NOT NULL without a server default (its models fill them in Python), with
 * the value a file steptrail registers gets. A row steptrail inserts must name them where the table has them, and
 * must not where it lacks them (steptrail's own tables, an older DocuElevate): the store looks when it opens.
 */
export const FILES_INSERT_DEFAULTS: Readonly<Record<string, boolean>> = { legal_hold: false };

/** What the migration `OperationsSearchIndexes` adds to databases migrated before it (docs/architecture.md#file-search). */
export const SEARCH_INDEX_ADDITIONS = {
  indexes: [
    ['files', 'ix_files_created_id'],
    ['files', 'ix_files_updated_id'],
    ['files', 'ix_files_mime_id'],
    ['file_processing_steps', 'ix_steps_failed_step'],
    ['file_processing_steps', 'ix_steps_failed_time'],
    ['processing_logs', 'ix_processing_logs_status_time'],
  ],
} as const;

/** What the migration `StepHeartbeats` adds to databases migrated before it (docs/architecture.md#stalls). */
export const HEARTBEAT_ADDITIONS = {
  columns: [
    ['file_processing_steps', 'heartbeat_at'],
    ['file_processing_steps', 'heartbeat_by'],
  ],
} as const;

/** What the migration `LiveStatusCounts` adds (docs/architecture.md#status-counts). */
export const LIVE_STATUS_ADDITIONS = {
  indexes: [['files', 'ix_files_status_deleted']],
} as const;

/** What the migration `WebhookMessageIds` adds (docs/architecture.md#webhook-ids). */
export const WEBHOOK_MESSAGE_ID_ADDITIONS = {
  columns: [['steptrail_webhook_deliveries', 'message_id']],
} as const;

/** What the migration `WebhookAttempts` adds (docs/architecture.md#webhooks): pausing and the per-attempt log. */
export const WEBHOOK_ATTEMPT_ADDITIONS = {
  columns: [['steptrail_webhooks', 'paused_at']],
  tables: ['steptrail_webhook_attempts'],
} as const;

/** What the migration `BulkOperationTables` adds (docs/architecture.md#bulk-operations). */
export const BULK_TABLE_ADDITIONS = {
  tables: ['steptrail_bulk_operations', 'steptrail_bulk_operation_files'],
} as const;
