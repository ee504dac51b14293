import type { QueryRunner } from 'typeorm';

/**
 * Everything that differs between the SQL databases, in three named parts, so the repositories, the set-based
 * fold, the migrator's SQL and the contract suite's raw access are written once and never test a database's name:
 *
 * - `capabilities`: what the database can do, as named flags and enums. The core branches on these only.
 * - `driver`: how a statement reaches the database and comes back: transactions, placeholders, value binding,
 *   insert ids, error mapping.
 * - `sql`: the SQL text that differs: row locks, insert-or-ignore and upsert, temporary tables, an update from a
 *   list of rows, parameter casts, and the pieces a capability needs (event key, JSON rows, wake-up).
 *
 * An adapter builds its dialect with `defineDialect`, which checks at compile time that the `sql` part holds exactly
 * the pieces its capabilities call for. DDL differences live in `SchemaDialect` (schema/apply-schema-plan.ts).
 */
export interface Dialect {
  readonly name: DialectName;
  readonly capabilities: DialectCapabilities;
  readonly driver: DialectDriver;
  readonly sql: DialectSql;
}

export type DialectName = 'sqlite' | 'postgres' | 'mysql';

/** What a database can do, each a named fact the core branches on. */
export interface DialectCapabilities {
  /**
   * true: one transaction writes at a time (SQLite's BEGIN IMMEDIATE takes the database's write lock), so this
   * process runs its transactions one after another and no SELECT names a row lock. false: writers lock the rows
   * they change (`sql.rowLocks`) and any number of processes write at once.
   */
  readonly serializedWriters: boolean;
  /** A one-row INSERT gives its new id back in a `RETURNING id` row; otherwise the driver reports it. */
  readonly returningId: boolean;
  /**
   * A multi-row INSERT gives every new id back in `RETURNING id` rows; otherwise the driver reports the first id
   * and the rows took consecutive ids (MySQL's auto-increment with a known row count and increment 1).
   */
  readonly returningIds: boolean;
  /**
   * How the legacy fold finds each step's last event: 'window' counts events with one window function, latest
   * first; 'eventKey' takes MAX of a sortable text key (`sql.eventKey`), one pass of plain aggregates, several
   * times faster where window sorts are slow.
   */
  readonly foldStrategy: 'window' | 'eventKey';
  /**
   * The fold of a batch is read as one JSON text (`sql.jsonRows`): for a database in this process, where one
   * JSON text is read in a third of the time of as many row objects. A server would spend on building the JSON
   * what the client saves, so its rows travel as rows.
   */
  readonly jsonRowAggregation: boolean;
  /**
   * How idle workers of other processes learn of new work: 'notify' runs `sql.announce` in the claiming
   * transaction and they hear it at commit; 'poll' leaves them to poll.
   */
  readonly wakeups: 'notify' | 'poll';
  /**
   * How a timestamp column stores its value: 'text' compares as text (so a legacy row's text layout matters),
   * 'native' is a timestamp type whatever text it was given.
   */
  readonly timestamps: 'text' | 'native';
  /**
   * The longest `IN (...)` list the planner treats as a list (MariaDB turns longer ones into a slow join);
   * `Number.POSITIVE_INFINITY` where any length stays a list.
   */
  readonly longestInList: number;
}

/** How statements reach the database and what comes back. */
export interface DialectDriver {
  /**
   * The statements that open a transaction on a dedicated connection (BEGIN IMMEDIATE, an isolation level); it
   * ends with COMMIT or ROLLBACK. Run by `runTransaction`, the one transaction helper.
   */
  readonly begin: readonly string[];
  /** The driver's positional placeholder for the 1-based `position` (`?` or `$n`). */
  placeholder(position: number): string;
  /** A Date as the driver must bind it for a timestamp column. */
  time(value: Date): unknown;
  /** Runs one statement on the runner's connection (`runWithTypeorm`, or a cheaper way such as prepared statements). */
  execute(runner: QueryRunner, sql: string, values: readonly unknown[]): Promise<RawResult>;
  /** Reads the insert id out of a driver result; null when nothing was inserted. */
  insertId(raw: unknown, rows: Record<string, unknown>[]): number | null;
  /** Maps a driver error to a StoreError when it is one of the known kinds; otherwise returns it unchanged. */
  mapError(error: unknown): unknown;
}

/** The SQL every database writes its own way. */
export interface CommonSql {
  /** `INSERT` prefix and suffix that make an insert a no-op when the unique key already exists. */
  insertIgnore(
    table: string,
    columns: readonly string[],
    conflict: readonly string[],
  ): { head: string; tail: string };
  /** Suffix turning an INSERT into an upsert that overwrites `columns` on a conflict of `conflict`. */
  upsertTail(conflict: readonly string[], columns: readonly string[]): string;
  /**
   * Statements that (re)create the temporary table `name` holding the rows of `select`, visible only to the
   * transaction's connection and gone or replaced by the next call.
   */
  materialize(name: string, select: string): string[];
  /**
   * One UPDATE of `table` from a list of rows, with the parameters it binds (named `rows…`, so a caller's own
   * names never clash): each row holds its values of the `keys` columns, then one value per column of `columns`,
   * as the driver binds them (times through `driver.time`). Sets those columns and the one `extra` assignment
   * (`column = :name`, bound by the caller) on the matching rows; the statement reads only the range of the first
   * key the rows span (or the list of their first keys). Locks no row outside `rows`: migration batches run this
   * side by side on neighbouring files.
   */
  updateFromRows(update: RowsUpdate): { sql: string; params: Record<string, unknown> };
  /**
   * A placeholder whose type the database cannot infer (inside CASE, in a SELECT list) with a cast; a database
   * that coerces on assignment returns it as it is.
   */
  castParam(placeholder: string, kind: ValueKind): string;
}

/** The SQL a capability needs; a dialect holds a piece exactly when its capabilities call for it. */
export interface CapabilitySql {
  /** When writers lock rows (`serializedWriters: false`): the clauses appended to a SELECT to lock its rows. */
  rowLocks: RowLocks;
  /** When `foldStrategy` is 'eventKey': the sortable key of a log event. */
  eventKey: EventKey;
  /** When `jsonRowAggregation`: an aggregate of `columns` over every row as one JSON array of arrays. */
  jsonRows(columns: readonly string[]): string;
  /** When `wakeups` is 'notify': a statement that wakes idle workers when the transaction commits. */
  announce: string;
}

export type DialectSql = CommonSql & Partial<CapabilitySql>;

/** Row-lock clauses, each appended to a SELECT. */
export interface RowLocks {
  /** Locks file rows against other step writers, waiting for rows others hold. */
  readonly fileRow: string;
  /** Locks file rows like `fileRow`, skipping rows others hold. */
  readonly fileRowSkipLocked: string;
  /** Locks step rows for a claim, skipping rows others hold. */
  readonly stepRowSkipLocked: string;
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

export type ValueKind = 'integer' | 'boolean' | 'timestamp' | 'text';

/** The rows and columns of `sql.updateFromRows`. */
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
