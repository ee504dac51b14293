/**
 * The closed set of storage failures the domain understands. Each adapter maps its driver's codes to these once
 * (src/errors.ts); anything else is rethrown as is.
 */
export type StoreErrorKind =
  /** A unique constraint refused the write (pg 23505, MySQL 1062, SQLITE_CONSTRAINT_UNIQUE). */
  | 'unique_violation'
  /** A referenced row is missing or still referenced (pg 23503, MySQL 1451/1452, SQLITE_CONSTRAINT_FOREIGNKEY). */
  | 'foreign_key_violation'
  /** The transaction lost a race and may simply be run again (deadlock, serialization failure, lock timeout, busy). */
  | 'transient_conflict'
  /** The database cannot be reached or refused the connection. */
  | 'unavailable';

export class StoreError extends Error {
  readonly kind: StoreErrorKind;

  constructor(kind: StoreErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.kind = kind;
  }
}

export const isStoreError = (error: unknown, kind?: StoreErrorKind): error is StoreError =>
  error instanceof StoreError && (kind === undefined || error.kind === kind);
