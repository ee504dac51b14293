// The raw limit of event ingestion (issue 16): the statements steptrail sends for one event, captured from it in
// the same run (sql-capture.ts), replayed by a bare driver loop — pg, mysql2 or better-sqlite3 directly, no
// TypeORM, no domain — with parameters filled in by column name. What steptrail adds on top of this loop is its
// own cost; what the loop itself costs is the database's.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import {
  createPool,
  type Pool as MysqlPool,
  type PoolConnection,
  type ResultSetHeader,
} from 'mysql2/promise';
import pg from 'pg';
import { utcText } from '@steptrail/runtime';
import type { BenchDatabase } from '../support/databases.js';
import { normalizeSql } from './sql-capture.js';

/** The statements of one event, as steptrail sent them: a step's first event, and any later one. */
export interface CapturedEvent {
  /** Session set-up on each new connection (SQLite's PRAGMAs), from opening the store. */
  session: string[];
  /** The first event of a step (no step row yet: the step's history is read and folded). */
  first: string[];
  /** A later event of the step (the row exists). */
  later: string[];
}

export interface RawEvent {
  fileId: number;
  stepName: string;
  status: string;
  message?: string;
  /** The client's event id (batches send one; it is stored in a receipt). */
  eventId?: string;
  /** Whether this is the step's first event (the `first` statements), else `later`. */
  first: boolean;
}

export interface RawConnection {
  /** Runs one statement; resolves with the ids a log insert gave (RETURNING id / insertId), else none. */
  query(sql: string, params: readonly unknown[]): Promise<number[]>;
  release(): void;
}

export interface RawDriver {
  connect(): Promise<RawConnection>;
  /** Counts processing_logs rows of `fileIds`: the check that the loop wrote what it claims. */
  countLogs(fileIds: readonly number[]): Promise<number>;
  /** How a timestamp and a boolean are bound for this driver. */
  time(date: Date): unknown;
  bool(value: boolean): unknown;
  close(): Promise<void>;
}

const fingerprintOf = (eventId: string) => createHash('md5').update(eventId).digest('hex');
export const placeholderCount = (sql: string) => (sql.match(/\$\d+|\?/g) ?? []).length;
export const isControl = (sql: string) => /^(BEGIN|START|SET|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/i.test(sql);

function postgresDriver(url: string, connections: number): RawDriver {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  return {
    async connect() {
      const client = await pool.connect();
      return {
        async query(sql, params) {
          const result = await client.query<{ id?: number | string }>(sql, params as unknown[]);
          return /RETURNING id\s*$/i.test(sql) ? result.rows.map((row) => Number(row.id)) : [];
        },
        release: () => client.release(),
      };
    },
    async countLogs(fileIds) {
      const result = await pool.query<{ n: string }>(
        'SELECT COUNT(*) AS n FROM processing_logs WHERE file_id = ANY($1) AND step_name IS NOT NULL',
        [fileIds],
      );
      return Number(result.rows[0]?.n ?? Number.NaN);
    },
    time: (date) => date,
    bool: (value) => value,
    close: () => pool.end(),
  };
}

function mysqlDriver(url: string, connections: number): RawDriver {
  const pool: MysqlPool = createPool({
    uri: url,
    connectionLimit: connections,
    timezone: 'Z',
    supportBigNumbers: true,
  });
  return {
    async connect() {
      const connection: PoolConnection = await pool.getConnection();
      return {
        async query(sql, params) {
          const [result] = await connection.query(sql, [...params] as (string | number | null)[]);
          const header = result as ResultSetHeader;
          // A multi-row insert's ids are consecutive from insertId, as the MySQL adapter reads them.
          return /^INSERT INTO processing_logs/i.test(sql)
            ? Array.from({ length: header.affectedRows }, (_, index) => Number(header.insertId) + index)
            : [];
        },
        release: () => connection.release(),
      };
    },
    async countLogs(fileIds) {
      const [rows] = await pool.query(
        'SELECT COUNT(*) AS n FROM processing_logs WHERE file_id IN (?) AND step_name IS NOT NULL',
        [fileIds],
      );
      return Number((rows as { n: number }[])[0]?.n ?? Number.NaN);
    },
    time: (date) => utcText(date),
    bool: (value) => (value ? 1 : 0),
    close: () => pool.end(),
  };
}

/** One better-sqlite3 connection, as the adapter uses one: statements prepared once, run synchronously. */
function sqliteDriver(path: string, session: readonly string[]): RawDriver {
  const db = new Database(path, { timeout: 10_000 });
  for (const statement of session) db.exec(statement);
  const prepared = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let found = prepared.get(sql);
    if (found === undefined) {
      found = db.prepare(sql);
      prepared.set(sql, found);
    }
    return found;
  };
  // One connection: a writer holds it for a whole transaction, the others wait their turn (the adapter queues
  // its transactions on its one connection the same way).
  let turn: Promise<void> = Promise.resolve();
  const connection = (release: () => void): RawConnection => ({
    async query(sql, params) {
      if (isControl(sql)) {
        db.exec(sql);
        return [];
      }
      const prepared = statement(sql);
      if (/RETURNING id\s*$/i.test(sql))
        return (prepared.all(...params) as { id: number }[]).map((row) => Number(row.id));
      if (prepared.reader) prepared.all(...params);
      else prepared.run(...params);
      return [];
    },
    release,
  });
  return {
    async connect() {
      const previous = turn;
      let release = () => undefined as void;
      turn = new Promise<void>((resolve) => (release = resolve));
      await previous;
      return connection(release);
    },
    async countLogs(fileIds) {
      const row = db
        .prepare(
          `SELECT COUNT(*) AS n FROM processing_logs WHERE step_name IS NOT NULL AND file_id IN (${fileIds.map(() => '?').join(',')})`,
        )
        .get(...fileIds) as { n: number };
      return row.n;
    },
    time: (date) => utcText(date),
    bool: (value) => (value ? 1 : 0),
    close: async () => {
      db.close();
    },
  };
}

export function rawDriver(
  database: BenchDatabase,
  target: { url?: string; path?: string },
  connections: number,
  session: readonly string[],
): RawDriver {
  if (database === 'sqlite') return sqliteDriver(target.path ?? '', session);
  if (database === 'postgres') return postgresDriver(target.url ?? '', connections);
  return mysqlDriver(target.url ?? '', connections);
}

export interface Fill {
  event: RawEvent;
  now: unknown;
  logId: number | null;
  bool: (value: boolean) => unknown;
}

/** The value of column `column` for this event: what steptrail would write there, near enough in size. */
export function columnValue(column: string, { event, now, logId, bool }: Fill): unknown {
  const finished = event.status === 'success' || event.status === 'failure' || event.status === 'skipped';
  const stamp = new Date().toISOString();
  const values: Record<string, unknown> = {
    file_id: event.fileId,
    task_id: null,
    step_name: event.stepName,
    status: event.status,
    message: event.message ?? null,
    detail: null,
    timestamp: now,
    started_at: now,
    completed_at: finished ? now : null,
    error_message: null,
    attempts: 1,
    last_event_at: now,
    last_event_id: logId,
    lease_owner: null,
    lease_expires_at: null,
    run_after: null,
    created_at: now,
    updated_at: now,
    processing_status: 'processing',
    has_errors: bool(false),
    total_steps: 8,
    completed_steps: finished ? 1 : 0,
    failed_steps: 0,
    in_progress_steps: finished ? 0 : 1,
    skipped_steps: 0,
    last_step: event.stepName,
    status_changed_at: now,
    // An event receipt (batches send event ids): the id, a fingerprint and the answer, as long as steptrail's.
    event_id: event.eventId ?? null,
    fingerprint: event.eventId === undefined ? null : fingerprintOf(event.eventId),
    log_id: logId,
    outcome: JSON.stringify({
      logId,
      stepName: event.stepName,
      step: {
        status: event.status,
        startedAt: stamp,
        completedAt: finished ? stamp : null,
        errorMessage: null,
        attempts: 1,
      },
      status: {
        status: 'processing',
        hasErrors: false,
        totalSteps: 8,
        completedSteps: finished ? 1 : 0,
        failedSteps: 0,
        inProgressSteps: finished ? 0 : 1,
        skippedSteps: 0,
      },
      counting: { counts: true, reason: null },
    }),
  };
  if (!(column in values)) throw new Error(`the raw loop has no value for column ${column}`);
  return values[column];
}

/** The parameters of one captured statement for `event`; throws on a statement shape it does not know. */
export function parametersFor(sql: string, fill: Fill): unknown[] {
  const text = normalizeSql(sql);
  let params: unknown[];
  if (isControl(text)) params = [];
  else if (/^SELECT .* FROM files WHERE id = /i.test(text)) params = [fill.event.fileId];
  else if (/^SELECT .* FROM file_processing_steps WHERE file_id IN /i.test(text))
    params = [fill.event.fileId];
  else if (/^SELECT .* FROM processing_logs l WHERE l\.file_id IN .* AND l\.step_name IN /i.test(text))
    params = [fill.event.fileId, fill.event.stepName];
  else {
    const insert = /^INSERT INTO \w+ \(([^)]*)\)/i.exec(text);
    const update = /^UPDATE files SET (.*) WHERE id = (\?|\$\d+)$/i.exec(text);
    if (insert !== null) {
      params = (insert[1] ?? '').split(',').map((column) => columnValue(column.trim(), fill));
    } else if (update !== null) {
      const columns = (update[1] ?? '').split(',').map((part) => part.split('=')[0]?.trim() ?? '');
      params = [...columns.map((column) => columnValue(column, fill)), fill.event.fileId];
    } else {
      throw new Error(`the raw loop does not know how to fill this statement steptrail sent: ${text}`);
    }
  }
  if (params.length !== placeholderCount(text))
    throw new Error(`${params.length} parameters for ${placeholderCount(text)} placeholders: ${text}`);
  return params;
}

/** Splits an event's statements into the transaction's opening, its body and its end. */
function parts(statements: readonly string[]): { open: string[]; body: string[]; close: string[] } {
  const firstBody = statements.findIndex((sql) => !isControl(normalizeSql(sql)));
  const lastBody =
    statements.length - 1 - [...statements].reverse().findIndex((sql) => !isControl(normalizeSql(sql)));
  return {
    open: statements.slice(0, firstBody),
    body: statements.slice(firstBody, lastBody + 1),
    close: statements.slice(lastBody + 1),
  };
}

/**
 * Replays `events` on one connection: `perTransaction` events in each transaction (1: what steptrail does per
 * event; more: one transaction per group, as a batch writes a file's events).
 */
export async function replay(
  driver: RawDriver,
  captured: CapturedEvent,
  events: readonly RawEvent[],
  perTransaction: number,
): Promise<void> {
  const shapes = { first: parts(captured.first), later: parts(captured.later) };
  for (let start = 0; start < events.length; start += perTransaction) {
    // A connection per transaction, from the pool, as TypeORM takes a query runner per transaction.
    const connection = await driver.connect();
    try {
      const group = events.slice(start, start + perTransaction);
      const now = driver.time(new Date());
      const head = group[0];
      if (head === undefined) continue;
      const opening = shapes[head.first ? 'first' : 'later'];
      const fill = (event: RawEvent, logId: number | null): Fill => ({
        event,
        now,
        logId,
        bool: (value) => driver.bool(value),
      });
      for (const sql of opening.open) await connection.query(sql, parametersFor(sql, fill(head, null)));
      for (const event of group) {
        let logId: number | null = null;
        for (const sql of shapes[event.first ? 'first' : 'later'].body) {
          const [id] = await connection.query(sql, parametersFor(sql, fill(event, logId)));
          if (id !== undefined) logId = id;
        }
      }
      for (const sql of opening.close) await connection.query(sql, parametersFor(sql, fill(head, null)));
    } finally {
      connection.release();
    }
    // better-sqlite3 answers synchronously: let the other writers (and signals) in between transactions.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
