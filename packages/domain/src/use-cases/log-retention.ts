import type { FileHistoryFacts, LogDeletion } from '../ports/log-retention-store.js';
import type { Repositories, UnitOfWork } from '../ports/unit-of-work.js';

/** Why a file that has history older than the cutoff keeps it. */
export type KeptReason = 'unfinishedSteps' | 'notRebuiltFromLogs' | 'noStepRows' | 'newerHistory';

export const KEPT_REASONS: readonly KeptReason[] = [
  'unfinishedSteps',
  'notRebuiltFromLogs',
  'noStepRows',
  'newerHistory',
];

export interface FileChunk {
  /** Files whose whole history is older than the cutoff and may go, with their number of log rows. */
  prunable: Array<{ fileId: number; logRows: number }>;
  /** Files with old history that must keep it, by reason. */
  kept: Record<KeptReason, number>;
  /** The highest file id looked at, or null when no file is left. */
  lastFileId: number | null;
}

/**
 * The retention rule: a file loses its history only as a whole, and only when its state no longer rests on it —
 * it has step rows, all finished and all folded by steptrail — and nothing in it is newer than the cutoff. Null
 * when the file's old history may go; otherwise the first reason it stays.
 */
export function keptReason(file: FileHistoryFacts): KeptReason | null {
  if (file.stepRows === 0) return 'noStepRows';
  if (file.unfinishedSteps > 0) return 'unfinishedSteps';
  if (file.unfoldedSteps > 0) return 'notRebuiltFromLogs';
  if (file.newerLogs > 0) return 'newerHistory';
  return null;
}

/**
 * Log retention at one cutoff (`prune --older-than`): classifies files a chunk at a time and deletes history in
 * small statements, each its own transaction, so writers wait for no more than one of them. See
 * docs/architecture.md#retention.
 */
export class LogRetention {
  constructor(
    private readonly deps: { unitOfWork: UnitOfWork; reads: Repositories },
    readonly cutoff: Date,
  ) {}

  /** The highest file id (0 without files), for progress. */
  highestFileId(): Promise<number> {
    return this.deps.reads.retention.highestFileId();
  }

  /** Classifies up to `limit` files with ids above `afterId` by the retention rule. */
  async classifyFiles(afterId: number, limit: number): Promise<FileChunk> {
    const files = await this.deps.reads.retention.fileHistories(this.cutoff, afterId, limit);
    const chunk: FileChunk = {
      prunable: [],
      kept: { unfinishedSteps: 0, notRebuiltFromLogs: 0, noStepRows: 0, newerHistory: 0 },
      lastFileId: files.at(-1)?.fileId ?? null,
    };
    for (const file of files) {
      if (file.olderLogs === 0) continue;
      const reason = keptReason(file);
      if (reason === null) chunk.prunable.push({ fileId: file.fileId, logRows: file.olderLogs });
      else chunk.kept[reason] += 1;
    }
    return chunk;
  }

  /** Deletes up to `limit` old log rows of these files (re-checking the rule) with ids above `afterLogId`. */
  deleteFileLogs(fileIds: readonly number[], afterLogId: number, limit: number): Promise<LogDeletion> {
    if (fileIds.length === 0) return Promise.resolve({ deleted: 0, lastLogId: null });
    return this.deps.unitOfWork.transaction((repos) =>
      repos.retention.deleteFileLogs(fileIds, this.cutoff, afterLogId, limit),
    );
  }

  /** Task-level rows (no file id) older than the cutoff. */
  countTaskLevel(): Promise<number> {
    return this.deps.reads.retention.countTaskLevel(this.cutoff);
  }

  deleteTaskLevel(afterLogId: number, limit: number): Promise<LogDeletion> {
    return this.deps.unitOfWork.transaction((repos) =>
      repos.retention.deleteTaskLevel(this.cutoff, afterLogId, limit),
    );
  }

  /** Rows of files that no longer exist, older than the cutoff. */
  countOfDeletedFiles(): Promise<number> {
    return this.deps.reads.retention.countOfDeletedFiles(this.cutoff);
  }

  deleteOfDeletedFiles(afterLogId: number, limit: number): Promise<LogDeletion> {
    return this.deps.unitOfWork.transaction((repos) =>
      repos.retention.deleteOfDeletedFiles(this.cutoff, afterLogId, limit),
    );
  }
}
