import type { RecordedEvent } from '../events/recorded-event.js';

/** What steptrail answered to an event that carried a client-chosen id (docs/architecture.md#idempotent-events). */
export interface EventReceipt {
  fileId: number;
  /** The caller's id, unique per file. */
  eventId: string;
  /** A digest of the event as the caller sent it: the same id with another digest is a conflicting reuse. */
  fingerprint: string;
  /** The first answer, given again to every repetition. */
  outcome: RecordedEvent;
  createdAt: Date;
}

/**
 * The receipts of events with ids, written in the transaction that applied the event, so a repeated event is
 * recognised across processes and restarts. The unique key (file, event id) is the database's, not a cache's.
 */
export interface EventReceiptStore {
  /** The stored receipts of these event ids of one file, in no order; ids without one are left out. */
  find(fileId: number, eventIds: readonly string[]): Promise<EventReceipt[]>;
  /** Stores new receipts; one whose (file, event id) is stored already throws StoreError `unique_violation`. */
  record(receipts: readonly EventReceipt[]): Promise<void>;
  /** Deletes every receipt of a file (with the file); answers how many there were. */
  deleteForFile(fileId: number): Promise<number>;
}
