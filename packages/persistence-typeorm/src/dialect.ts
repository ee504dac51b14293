import type { DataSource, QueryRunner } from 'typeorm';

/** What a statement gave back, as the driver reported it. */
export interface RawResult {
  rows: Record<string, unknown>[];
  affected: number;
  raw: unknown;
}

/** The result of a write: rows affected and, for an insert, the new row's id when the driver reports one. */
export interface WriteResult {
  affected: number;
  insertId: number | null;
  rows: Record<string, unknown>[];
}

/**
 * A fixed-width text key per log event that sorts like (timestamp, id), so MAX() finds a step's last event; its
 * `timeWidth` characters hold the timestamp, the next `idWidth` the id.
 */
export interface EventKey {
  readonly timeWidth: number;
  readonly idWidth: number;
  /** The key of the event with these timestamp and id columns. */
  encode(time: string, id: string): string;
  /** The timestamp back from the key's first `timeWidth` characters. */
  decodeTime(text: string): string;
  /** The id back from its `idWidth` characters. */
  decodeId(text: string): string;
  /** Text expressions concatenated. */
  concat(parts: readonly string[]): string;
}

export type ValueKind = 'integer' | 'boolean' | 'timestamp' | 'text';

/** The rows and columns of Dialect.updateFromRows. */
export interface RowsUpdate {
  table: string;
  /** The columns that find a row, with their types; the first one bounds the range read. */
  keys: readonly [readonly [string, ValueKind], ...Array<readonly [string, ValueKind]>];
  /** The columns set, with their types. */
  columns: ReadonlyArray<readonly [string, ValueKind]>;
  /** Per row: its key values, then its column values, in the order of `keys` and `columns`. */
  rows: ReadonlyArray<readonly unknown[]>;
  /** One more assignment, e.g. `updated_at = :now`. */
  extra: string;
}

/**
 * What differs between SQL databases, in one place per adapter. The shared repositories are written against this
 * and never test the database's name.
 */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres' | 'mysql';
  /** Appended to a SELECT of a file row to lock it against other step writers ('' where writers are serialized). */
  readonly lockFileRow: string;
  /** Appended to a SELECT that locks step rows without waiting on rows others hold ('' where serialized). */
  readonly lockSkipLocked: string;
  /** Appended to a SELECT of file rows to lock them like lockFileRow, skipping rows others hold. */
  readonly lockFileRowSkipLocked: string;
  /** A statement that wakes idle workers when the transaction commits, or null where workers poll. */
  readonly announceSql: string | null;
  /** Appended to an INSERT so it returns the new id in its rows ('' when the driver reports insertId). */
  readonly returningId: string;
  /**
   * Appended to a multi-row INSERT so it returns every new id in its rows; '' where the driver reports the first id
   * and a multi-row insert takes consecutive ids (MySQL's auto-increment with a known row count and increment 1).
   */
  readonly returningIds: string;
  /** `INSERT` prefix and suffix that make an insert a no-op when the unique key already exists. */
  insertIgnore(
    table: string,
    columns: readonly string[],
    conflict: readonly string[],
  ): { head: string; tail: string };
  /**
   * How the legacy fold finds each step's last event: null counts events with one window function, latest first;
   * an EventKey takes MAX of a sortable key, one pass of plain aggregates (several times faster where window sorts
   * are slow).
   */
  readonly eventKey: EventKey | null;
  /**
   * An aggregate of `columns` over every row as one JSON array of arrays, for a database in this process, where one
   * JSON text is read in a third of the time of as many row objects; absent, rows travel as rows (a server would
   * spend on building the JSON what the client saves).
   */
  jsonRows?(columns: readonly string[]): string;
  /** The longest `IN (...)` list the planner treats as a list (MariaDB turns longer ones into a slow join), or null. */
  readonly inListLimit: number | null;
  /**
   * Statements that (re)create the temporary table `name` holding the rows of `select`, visible only to the
   * transaction's connection and gone or replaced by the next call.
   */
  materialize(name: string, select: string): string[];
  /**
   * One UPDATE of `table` from a list of rows, with the parameters it binds (named `rows…`, so a caller's own
   * names never clash): each row holds its values of the `keys` columns, then one value per column of `columns`,
   * as the driver binds them (times through `time`). Sets those columns and the one `extra` assignment
   * (`column = :name`, bound by the caller) on the matching rows; the statement reads only the range of the first
   * key the rows span (or the list of their first keys). Locks no row outside `rows`: migration batches run this
   * side by side on neighbouring files.
   */
  updateFromRows(update: RowsUpdate): { sql: string; params: Record<string, unknown> };
  /** Suffix turning an INSERT into an upsert that overwrites `columns` on a conflict of `conflict`. */
  upsertTail(conflict: readonly string[], columns: readonly string[]): string;
  /**
   * Wraps a placeholder whose type the database cannot infer (inside CASE) with a cast; databases that coerce
   * on assignment leave it out.
   */
  castParam?(placeholder: string, kind: ValueKind): string;
  /** The driver's positional placeholder for the 1-based `position` (`?` or `$n`). */
  placeholder(position: number): string;
  /** A Date as the driver must bind it for a timestamp column. */
  time(value: Date): unknown;
  /** Reads the insert id out of a driver result. */
  insertId(raw: unknown, rows: Record<string, unknown>[]): number | null;
  /** Runs `work` inside one transaction on a dedicated query runner (BEGIN IMMEDIATE, isolation level, ...). */
  transaction<T>(dataSource: DataSource, work: (runner: QueryRunner) => Promise<T>): Promise<T>;
  /**
   * Runs one statement on the runner's connection when the dialect knows a cheaper way than TypeORM's query (e.g.
   * prepared statements); absent, TypeORM's query runs it.
   */
  execute?(runner: QueryRunner, sql: string, values: readonly unknown[]): Promise<RawResult>;
  /** Maps a driver error to a StoreError when it is one of the known kinds; otherwise returns it unchanged. */
  mapError(error: unknown): unknown;
}
