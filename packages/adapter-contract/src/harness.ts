import type { Store } from '@steptrail/domain';

/**
 * One stored row, columns by their SQL names. Values are normalized: timestamps as Date (UTC), booleans as
 * boolean, numbers as number, text as string, SQL NULL as null.
 */
export type RawRow = Record<string, string | number | boolean | Date | null>;

/** A legacy `processing_logs` row to plant, exactly as DocuElevate might have written it. */
export interface LegacyLogRow {
  fileId: number | null;
  stepName: string | null;
  status: string | null;
  message?: string | null;
  detail?: string | null;
  taskId?: string | null;
  /** Stored at the backend's native precision (SQLite: text `YYYY-MM-DD HH:MM:SS[.ffffff]`). */
  timestamp: Date;
  /**
   * Microseconds within the millisecond (0–999), as DocuElevate's Python timestamps carry them; stored where the
   * column keeps them (SQLite's text, PostgreSQL's timestamp), dropped where it does not (the in-memory store).
   */
  microseconds?: number;
}

/** A legacy `files` row (only the columns DocuElevate requires). */
export interface LegacyFileRow {
  filehash: string;
  originalFilename?: string | null;
  localFilename?: string;
  fileSize?: number;
  mimeType?: string | null;
}

/**
 * Direct access to what a backend stored, bypassing the repositories: the suite checks what was written,
 * not what was returned. SQL backends implement it with raw SQL; the in-memory fake from its state.
 *
 * Columns (SQL names): `files` has DocuElevate's `id, filehash, original_filename, local_filename, file_size,
 * mime_type, is_duplicate, duplicate_of_id, created_at` plus `workflow, managed, processing_status, has_errors,
 * total_steps, completed_steps, failed_steps, in_progress_steps, skipped_steps, last_step, status_changed_at,
 * updated_at`; `file_processing_steps` has `id, file_id, step_name, status, started_at, completed_at,
 * error_message, created_at, updated_at, attempts, last_event_at, last_event_id, run_after, lease_owner,
 * lease_expires_at`; `processing_logs` has `id, file_id, task_id, step_name, status, message, detail, timestamp`.
 */
export interface RawAccess {
  /** The `files` row with this id, or null. */
  fileRow(fileId: number): Promise<RawRow | null>;
  /** Rows of file_processing_steps for a file, ordered by id. */
  stepRows(fileId: number): Promise<RawRow[]>;
  /** Rows of processing_logs for a file, ordered by id. */
  logRows(fileId: number): Promise<RawRow[]>;
  /**
   * Rows of steptrail_event_receipts for a file, ordered by event id: `file_id, event_id, fingerprint, log_id,
   * outcome` (the stored JSON text), `created_at`.
   */
  receiptRows(fileId: number): Promise<RawRow[]>;
  /** Number of processing_logs rows with a null file_id. */
  countTaskLevelLogs(): Promise<number>;
  /** Inserts a legacy file row the way DocuElevate does (no steptrail rollup written) and returns its id. */
  insertLegacyFile(row: LegacyFileRow): Promise<number>;
  /** Inserts legacy log rows in the given order (ids ascending in that order). */
  insertLegacyLogs(rows: readonly LegacyLogRow[]): Promise<void>;
  /** Inserts a bare file_processing_steps row with a given raw status (e.g. a legacy value). */
  insertLegacyStep(fileId: number, stepName: string, status: string): Promise<void>;
}

/** Behaviours that differ between backends, each with the reason it differs. */
export interface ContractCapabilities {
  /** Separate connections write concurrently (false: one writer at a time, e.g. SQLite or in-memory). */
  concurrentWriters: boolean;
  /** Why concurrent-writer tests run the way they do on this backend; shown in the titles of skipped tests. */
  concurrencyNote: string;
}

/**
 * What the suite must know about a backend before connecting to it: test titles and `it.skipIf` conditions are
 * decided when vitest collects the tests, before any `beforeAll` runs.
 */
export interface ContractBackend {
  /** Backend name shown in test titles, e.g. "sqlite". */
  name: string;
  capabilities: ContractCapabilities;
}

/** An opened backend: what the suite uses between its beforeAll and afterAll. */
export interface ContractHarness {
  /** Opens a store on a migrated database. Tests create their own ids and share the database. */
  openStore(): Promise<Store>;
  /**
   * Opens a second, independent store (another connection pool) on the same database, for concurrency tests.
   * A backend with a single writer may return the same store.
   */
  openSecondStore(): Promise<Store>;
  raw: RawAccess;
  /** Releases everything the harness opened, stores included. */
  close(): Promise<void>;
}
