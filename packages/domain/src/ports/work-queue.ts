import type { FileRecord } from '../files/file-record.js';

export interface StepRef {
  fileId: number;
  stepName: string;
}

/** A step locked for claiming or recovery, with its file row, which this transaction has locked too. */
export interface LockedStep extends StepRef {
  file: FileRecord;
}

export interface ExpiredLease extends LockedStep {
  leaseOwner: string | null;
  attempts: number;
}

/** Transaction-scoped access to runnable work. */
export interface WorkQueue {
  /**
   * Locks up to `limit` runnable steps (pending, runAfter <= now, of managed files) together with their files, never waiting on
   * rows another transaction holds; earliest runAfter first. Restricted to `stepNames` when given.
   */
  lockRunnable(limit: number, now: Date, stepNames: readonly string[] | null): Promise<LockedStep[]>;
  /** Extends the leases `owner` still holds on these steps and returns the ones it still holds. */
  renewLeases(owner: string, steps: readonly StepRef[], expiresAt: Date): Promise<StepRef[]>;
  /** Locks up to `limit` in_progress steps whose lease expired before `now`, with their files, without waiting. */
  lockExpired(limit: number, now: Date): Promise<ExpiredLease[]>;
  /** Asks idle workers to look for work once this transaction commits (a no-op where workers poll). */
  announce(): Promise<void>;
}

/** Lets an idle worker sleep until work may be available. */
export interface WorkSignal {
  /** Resolves after an announcement or after `timeoutMs`, whichever comes first, or when `signal` aborts. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void>;
}
