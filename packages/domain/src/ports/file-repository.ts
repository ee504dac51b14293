import type { FileRecord, FileRollup, FileRollupSource, NewFile } from '../files/file-record.js';
import type { FileCursor, FileFilter, FileSort } from '../files/file-search.js';
import type { OverallStatus } from '../status/step-status.js';

export interface FileListQuery extends FileFilter {
  /** Only files whose rollup status is this one (with `statuses`, both must hold). */
  status?: OverallStatus;
  limit: number;
  /** The order; newest first (id descending) when absent. */
  sort?: FileSort;
  /** Keyset position of the last file of the previous page; its sort must equal `sort`. */
  after?: FileCursor;
  /** Shorthand keyset cursor for the default order: only files with an id below this one. */
  beforeId?: number;
}

export interface FilePage {
  items: FileRecord[];
  /** The position of the last item when more files follow, else null. */
  next: FileCursor | null;
  /** With the default order, the id of the last item when more files follow (the `beforeId` of the next page). */
  nextBeforeId: number | null;
}

export type StatusCounts = Record<OverallStatus, number>;

export interface FileRepository {
  /** Inserts a file with its workflow snapshot and a pending rollup; returns the stored record with its id. */
  create(file: NewFile): Promise<FileRecord>;
  /** The file with this id, or null. */
  get(id: number): Promise<FileRecord | null>;
  /** The files with these ids that exist, ascending by id. */
  getMany(ids: readonly number[]): Promise<FileRecord[]>;
  /** What recomputing the rollups of these files needs, of the ones that exist, ascending by id (rebuilds). */
  rollupSources(ids: readonly number[]): Promise<FileRollupSource[]>;
  /** Inside a transaction: the file, locked against other step writers until commit; null when absent. */
  lock(id: number): Promise<FileRecord | null>;
  /** Inside a transaction: the files with these ids that exist, ascending by id, locked like `lock` (in id order). */
  lockMany(ids: readonly number[]): Promise<FileRecord[]>;
  /** Stores the status rollup on the file row. */
  saveRollup(id: number, rollup: FileRollup): Promise<void>;
  /** Stores many rollups at once (backfills). */
  saveRollups(rollups: ReadonlyMap<number, FileRollup>): Promise<void>;
  /** Marks the file as a duplicate of `duplicateOfId` (or clears the mark). */
  setDuplicate(id: number, isDuplicate: boolean, duplicateOfId: number | null): Promise<void>;
  /** The oldest file with this content hash that is not a duplicate and not `exceptId`, or null. */
  findOriginal(filehash: string, exceptId: number): Promise<FileRecord | null>;
  /** Deletes the file and its step rows (never its logs); false when there was no such file. */
  delete(id: number): Promise<boolean>;
  /**
   * Files matching the filter in the asked order (newest first by default), keyset-paginated; every filter and
   * order is served by an index (docs/architecture.md#file-search).
   */
  list(query: FileListQuery): Promise<FilePage>;
  /** How many files have each rollup status; every status is present. */
  countByStatus(): Promise<StatusCounts>;
  /** Files with id above `afterId`, ascending, at most `limit` (for whole-database passes). */
  listAfter(afterId: number, limit: number): Promise<FileRecord[]>;
  /**
   * DocuElevate's `files.processed_file_path` of a live file, trimmed; null when it is empty, the file does not exist
   * or the table has no such column (docs/architecture.md#downloads).
   */
  processedFilePath(id: number): Promise<string | null>;
}
