// A second writer that writes the way DocuElevate's Celery tasks do, for tests of steptrail running beside it:
// SQLAlchemy-style commits of DocuElevate's own columns only (never steptrail's), naive UTC timestamps, and its
// statement order. Node-side, free of vitest.
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { docuElevateStatements, type SchemaKind } from './docuelevate-schema.js';

/** One statement and its values, with `?` placeholders. */
export type Statement = readonly [sql: string, values?: readonly unknown[]];

/** A raw connection to a DocuElevate database; each `commit` is one transaction, as one SQLAlchemy commit. */
export interface RawConnection {
  readonly kind: SchemaKind;
  commit(statements: readonly Statement[]): Promise<void>;
  rows(sql: string, values?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** Opens `target` (a SQLite path, or a postgres:// or mysql:// URL) as DocuElevate's process would. */
export async function openRawConnection(target: string): Promise<RawConnection> {
  if (target.startsWith('postgres')) {
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    const numbered = (sql: string) => {
      let position = 0;
      return sql.replace(/\?/g, () => `$${(position += 1)}`);
    };
    return {
      kind: 'postgres',
      async commit(statements) {
        await client.query('BEGIN');
        try {
          for (const [sql, values = []] of statements) await client.query(numbered(sql), [...values]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      },
      async rows(sql, values = []) {
        return (await client.query(numbered(sql), [...values])).rows as Record<string, unknown>[];
      },
      close: () => client.end(),
    };
  }
  if (target.startsWith('mysql') || target.startsWith('mariadb')) {
    const connection = await mysql.createConnection({ uri: target.replace(/^mariadb:/, 'mysql:') });
    return {
      kind: 'mysql',
      async commit(statements) {
        await connection.beginTransaction();
        try {
          for (const [sql, values = []] of statements) await connection.query(sql, [...values]);
          await connection.commit();
        } catch (error) {
          await connection.rollback();
          throw error;
        }
      },
      async rows(sql, values = []) {
        const [rows] = await connection.query(sql, [...values]);
        return rows as Record<string, unknown>[];
      },
      close: () => connection.end(),
    };
  }
  const db = new Database(target);
  db.pragma('busy_timeout = 5000');
  return {
    kind: 'sqlite',
    async commit(statements) {
      db.transaction(() => {
        for (const [sql, values = []] of statements) db.prepare(sql).run(...sqliteValues(values));
      }).immediate();
    },
    async rows(sql, values = []) {
      return db.prepare(sql).all(...sqliteValues(values)) as Record<string, unknown>[];
    },
    close: async () => void db.close(),
  };
}

const sqliteValues = (values: readonly unknown[]) =>
  values.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value));

/** Builds DocuElevate's schema (all of it; MySQL: the translation) on an empty database. */
export async function createDocuElevateSchema(connection: RawConnection): Promise<void> {
  for (const statement of docuElevateStatements(connection.kind)) await connection.commit([[statement]]);
}

/** DocuElevate's default workflow, in the order `initialize_file_steps` inserts it. */
export const DOCUELEVATE_MAIN_STEPS = [
  'hash_file',
  'create_file_record',
  'check_text',
  'extract_text',
  'extract_metadata_with_gpt',
  'embed_metadata_into_pdf',
  'finalize_document_storage',
  'send_to_all_destinations',
] as const;

/** `datetime.utcnow()` as SQLAlchemy writes it: naive, microseconds, no zone. */
export function naiveUtc(at: Date = new Date()): string {
  return `${at.toISOString().slice(0, 23).replace('T', ' ')}000`;
}

/** What DocuElevate's tasks write, one method per kind of write, each as many commits as DocuElevate makes. */
export class DocuElevateWriter {
  constructor(readonly connection: RawConnection) {}

  /** An upload: the file row (commit), then `initialize_file_steps`' pending rows (a second commit). */
  async newFile(
    hash: string,
    options: { workflowPlan?: string; steps?: readonly string[] } = {},
  ): Promise<number> {
    const now = naiveUtc();
    await this.connection.commit([
      [
        `INSERT INTO files (filehash, original_filename, local_filename, file_size, mime_type, is_duplicate,
           legal_hold, workflow_plan, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          hash,
          `${hash}.pdf`,
          `/workdir/tmp/${hash}.pdf`,
          1234,
          'application/pdf',
          false,
          false,
          options.workflowPlan ?? null,
          now,
        ],
      ],
    ]);
    const [row] = await this.connection.rows('SELECT id FROM files WHERE filehash = ? ORDER BY id DESC', [
      hash,
    ]);
    const fileId = Number(row?.id);
    await this.insertPending(fileId, options.steps ?? DOCUELEVATE_MAIN_STEPS);
    return fileId;
  }

  /** `add_upload_steps`: a pending `queue_<d>` and `upload_to_<d>` per destination, one commit. */
  addUploadSteps(fileId: number, destinations: readonly string[]): Promise<void> {
    return this.insertPending(
      fileId,
      destinations.flatMap((destination) => [`queue_${destination}`, `upload_to_${destination}`]),
    );
  }

  /**
   * `log_task_progress`: the log row, and the step row created or updated, in one commit. Timestamps are naive;
   * started_at is set on in_progress, completed_at on success/failure, error_message on failure.
   */
  async progress(
    fileId: number,
    stepName: string,
    status: string,
    message: string | null = null,
  ): Promise<void> {
    const now = naiveUtc();
    const existing = await this.connection.rows(
      'SELECT id FROM file_processing_steps WHERE file_id = ? AND step_name = ?',
      [fileId, stepName],
    );
    const started = status === 'in_progress' ? now : null;
    const completed = status === 'success' || status === 'failure' ? now : null;
    const error = status === 'failure' ? message : null;
    const step: Statement =
      existing.length === 0
        ? [
            `INSERT INTO file_processing_steps (file_id, step_name, status, started_at, completed_at, error_message,
               created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
            [fileId, stepName, status, started, completed, error, now, now],
          ]
        : [
            `UPDATE file_processing_steps SET status = ?, started_at = COALESCE(?, started_at),
               completed_at = COALESCE(?, completed_at), error_message = COALESCE(?, error_message), updated_at = ?
             WHERE file_id = ? AND step_name = ?`,
            [status, started, completed, error, now, fileId, stepName],
          ];
    await this.connection.commit([
      [
        `INSERT INTO processing_logs (file_id, task_id, step_name, status, message, timestamp)
         VALUES (?, ?, ?, ?, ?, ?)`,
        [fileId, `task-${fileId}-${stepName}`, stepName, status, message, now],
      ],
      step,
    ]);
  }

  /** DocuElevate's duplicate check flips the mark on the file row only. */
  markDuplicate(fileId: number, originalId: number): Promise<void> {
    return this.connection.commit([
      ['UPDATE files SET is_duplicate = ?, duplicate_of_id = ? WHERE id = ?', [true, originalId, fileId]],
    ]);
  }

  /** Deleting a file: its logs and steps first (the foreign keys ask for it), then the row, in one commit. */
  deleteFile(fileId: number): Promise<void> {
    return this.connection.commit([
      ['DELETE FROM processing_logs WHERE file_id = ?', [fileId]],
      ['DELETE FROM file_processing_steps WHERE file_id = ?', [fileId]],
      ['DELETE FROM files WHERE id = ?', [fileId]],
    ]);
  }

  /** The file's step rows as they are stored, with steptrail's `attempts` where the table has it. */
  async stepRows(fileId: number): Promise<Array<{ stepName: string; status: string; attempts: number }>> {
    const rows = await this.connection.rows(
      'SELECT step_name, status, attempts FROM file_processing_steps WHERE file_id = ? ORDER BY id',
      [fileId],
    );
    return rows.map((row) => ({
      stepName: String(row.step_name),
      status: String(row.status),
      attempts: Number(row.attempts ?? 0),
    }));
  }

  private insertPending(fileId: number, stepNames: readonly string[]): Promise<void> {
    const now = naiveUtc();
    return this.connection.commit(
      stepNames.map((stepName): Statement => [
        `INSERT INTO file_processing_steps (file_id, step_name, status, created_at, updated_at)
         VALUES (?, ?, 'pending', ?, ?)`,
        [fileId, stepName, now, now],
      ]),
    );
  }
}
