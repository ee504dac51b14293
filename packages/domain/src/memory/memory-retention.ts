import type { LogEntry } from '../events/step-event.js';
import type { StoredStep } from '../files/file-record.js';
import type { FileHistoryFacts, LogDeletion, LogRetentionStore } from '../ports/log-retention-store.js';
import { FINISHED_STEP_STATUSES } from '../status/step-status.js';
import type { MemoryState } from './memory-state.js';

const finished: ReadonlySet<string> = new Set(FINISHED_STEP_STATUSES);
const isUnfinished = (step: StoredStep): boolean => !finished.has(step.status.toLowerCase());
const isUnsafe = (step: StoredStep): boolean => isUnfinished(step) || step.lastEvent === null;

/** LogRetentionStore over a MemoryState; `state()` is read on every call so a transaction can swap it. */
export class MemoryRetention implements LogRetentionStore {
  constructor(private readonly state: () => MemoryState) {}

  async highestFileId(): Promise<number> {
    return Math.max(0, ...this.state().files.keys());
  }

  async fileHistories(cutoff: Date, afterId: number, limit: number): Promise<FileHistoryFacts[]> {
    const ids = [...this.state().files.keys()].filter((id) => id > afterId).sort((a, b) => a - b);
    return ids.slice(0, limit).map((fileId) => {
      const logs = this.state().logs.filter((log) => log.fileId === fileId);
      const steps = this.stepsOf(fileId);
      const older = logs.filter((log) => log.occurredAt < cutoff).length;
      return {
        fileId,
        olderLogs: older,
        newerLogs: logs.length - older,
        stepRows: steps.length,
        unfinishedSteps: steps.filter(isUnfinished).length,
        unfoldedSteps: steps.filter((step) => step.lastEvent === null).length,
      };
    });
  }

  async deleteFileLogs(
    fileIds: readonly number[],
    cutoff: Date,
    afterLogId: number,
    limit: number,
  ): Promise<LogDeletion> {
    const wanted = new Set(fileIds);
    return this.deleteWhere(afterLogId, limit, (log) => {
      if (log.fileId === null || !wanted.has(log.fileId) || log.occurredAt >= cutoff) return null;
      const steps = this.stepsOf(log.fileId);
      return steps.length > 0 && !steps.some(isUnsafe);
    });
  }

  async countTaskLevel(cutoff: Date): Promise<number> {
    return this.state().logs.filter((log) => log.fileId === null && log.occurredAt < cutoff).length;
  }

  async deleteTaskLevel(cutoff: Date, afterLogId: number, limit: number): Promise<LogDeletion> {
    return this.deleteWhere(afterLogId, limit, (log) =>
      log.fileId === null && log.occurredAt < cutoff ? true : null,
    );
  }

  async countOfDeletedFiles(cutoff: Date): Promise<number> {
    return this.state().logs.filter((log) => this.ofDeletedFile(log) && log.occurredAt < cutoff).length;
  }

  async deleteOfDeletedFiles(cutoff: Date, afterLogId: number, limit: number): Promise<LogDeletion> {
    return this.deleteWhere(afterLogId, limit, (log) =>
      this.ofDeletedFile(log) && log.occurredAt < cutoff ? true : null,
    );
  }

  /**
   * Looks at up to `limit` rows with ids above `afterLogId` that `verdict` selects (not null), in id order, and
   * deletes those it answers true for, as the SQL stores' select-then-recheck does.
   */
  private deleteWhere(
    afterLogId: number,
    limit: number,
    verdict: (log: LogEntry) => boolean | null,
  ): LogDeletion {
    const state = this.state();
    const looked = state.logs
      .filter((log) => log.id > afterLogId && verdict(log) !== null)
      .sort((a, b) => a.id - b.id)
      .slice(0, limit);
    if (looked.length === 0) return { deleted: 0, lastLogId: null };
    const doomed = new Set(looked.filter((log) => verdict(log) === true).map((log) => log.id));
    state.logs = state.logs.filter((log) => !doomed.has(log.id));
    return { deleted: doomed.size, lastLogId: looked.at(-1)?.id ?? null };
  }

  private ofDeletedFile(log: LogEntry): boolean {
    return log.fileId !== null && !this.state().files.has(log.fileId);
  }

  private stepsOf(fileId: number): StoredStep[] {
    return [...this.state().steps.values()].filter((step) => step.fileId === fileId);
  }
}
