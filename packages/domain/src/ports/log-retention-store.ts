/** What one file's history and step rows hold, relative to a cutoff: the facts the retention rule decides on. */
export interface FileHistoryFacts {
  fileId: number;
  /** Log rows older than the cutoff. */
  olderLogs: number;
  /** Log rows at or after the cutoff, or without a time. */
  newerLogs: number;
  stepRows: number;
  /** Step rows whose status, in any case, is not a finished one (DocuElevate's own words count as unfinished). */
  unfinishedSteps: number;
  /** Step rows that steptrail never folded from the logs (no last event): their state may rest on those logs. */
  unfoldedSteps: number;
}

/** What one bounded delete removed, and where the next one starts. */
export interface LogDeletion {
  deleted: number;
  /** The highest log id the delete looked at; null when no row was left to look at. */
  lastLogId: number | null;
}

/**
 * The log rows retention may delete. Every delete is one statement on at most `limit` rows, in log id order, that
 * re-checks its conditions while deleting, so a change made since the caller looked is never undone.
 */
export interface LogRetentionStore {
  /** The highest file id, 0 when there is no file. */
  highestFileId(): Promise<number>;
  /** The facts of up to `limit` files with ids above `afterId`, ascending by id, including files without history. */
  fileHistories(cutoff: Date, afterId: number, limit: number): Promise<FileHistoryFacts[]>;
  /**
   * Deletes up to `limit` log rows older than `cutoff` with ids above `afterLogId` of these files, each only while
   * the file has step rows and every one of them is finished and folded.
   */
  deleteFileLogs(
    fileIds: readonly number[],
    cutoff: Date,
    afterLogId: number,
    limit: number,
  ): Promise<LogDeletion>;
  /** The number of task-level log rows (no file id) older than `cutoff`. */
  countTaskLevel(cutoff: Date): Promise<number>;
  /** Deletes up to `limit` task-level log rows older than `cutoff` with ids above `afterLogId`. */
  deleteTaskLevel(cutoff: Date, afterLogId: number, limit: number): Promise<LogDeletion>;
  /** The number of log rows older than `cutoff` whose file no longer exists. */
  countOfDeletedFiles(cutoff: Date): Promise<number>;
  /** Deletes up to `limit` log rows older than `cutoff` whose file no longer exists, ids above `afterLogId`. */
  deleteOfDeletedFiles(cutoff: Date, afterLogId: number, limit: number): Promise<LogDeletion>;
}
