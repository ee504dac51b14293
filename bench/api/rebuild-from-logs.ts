// The answers DocuElevate-style code gets by folding history instead of reading current state, written with
// the domain's own fold and status rule, so both sides of every comparison compute the same thing.
import {
  computeOverallStatus,
  groupBy,
  reconstruct,
  type FileRecord,
  type LogEntry,
  type OverallStatus,
  type OverallStatusResult,
  type Repositories,
} from '@steptrail/domain';

const PAGE_SIZE = 50;

export interface FileStatus {
  file: FileRecord;
  status: OverallStatusResult;
}

export class LogRebuilds {
  constructor(private readonly reads: Repositories) {}

  /** The overall status of a file from its file row and its ordered logs. */
  statusFrom(file: FileRecord, logs: readonly LogEntry[]): OverallStatusResult {
    const { steps } = reconstruct(logs);
    const snapshots = [...steps].map(([stepName, step]) => ({
      stepName,
      status: step.status,
      attempts: step.attempts,
    }));
    return computeOverallStatus({
      isDuplicate: file.isDuplicate,
      managed: file.managed,
      workflow: file.workflow,
      steps: snapshots,
    });
  }

  /** GET /api/files/:id/status rebuilt from logs: the file row, its logs in (timestamp, id) order, the fold. */
  async fileStatus(fileId: number): Promise<OverallStatusResult> {
    const file = await this.reads.files.get(fileId);
    if (file === null) throw new Error(`file ${fileId} does not exist`);
    return this.statusFrom(file, await this.reads.logs.listForFiles([fileId]));
  }

  /** Statuses of a list of files, from one read of their logs. */
  async statusesOf(files: readonly FileRecord[]): Promise<FileStatus[]> {
    const byFile = groupBy(
      await this.reads.logs.listForFiles(files.map((file) => file.id)),
      (log) => log.fileId,
    );
    return files.map((file) => ({ file, status: this.statusFrom(file, byFile.get(file.id) ?? []) }));
  }

  /** The dashboard's first page (50 newest files) with each badge folded from logs. */
  async firstPage(): Promise<FileStatus[]> {
    const page = await this.reads.files.list({ limit: PAGE_SIZE });
    return this.statusesOf(page.items);
  }

  /**
   * The first page of `status=failed` from logs. Without a stored status the filter can only be applied after
   * folding, so files are walked newest first until 50 match (the best case: DocuElevate folds every file).
   */
  async firstFailedPage(): Promise<FileStatus[]> {
    const found: FileStatus[] = [];
    let beforeId: number | undefined;
    while (found.length < PAGE_SIZE) {
      const page = await this.reads.files.list({
        limit: 4 * PAGE_SIZE,
        ...(beforeId === undefined ? {} : { beforeId }),
      });
      for (const item of await this.statusesOf(page.items)) {
        if (item.status.status === 'failed' && found.length < PAGE_SIZE) found.push(item);
      }
      if (page.nextBeforeId === null) break;
      beforeId = page.nextBeforeId;
    }
    return found;
  }

  /** The dashboard's count of files per status, folding every file's logs. */
  async counts(): Promise<Record<OverallStatus, number>> {
    const counts: Record<OverallStatus, number> = {
      pending: 0,
      processing: 0,
      completed: 0,
      failed: 0,
      duplicate: 0,
    };
    let afterId = 0;
    for (;;) {
      const files = await this.reads.files.listAfter(afterId, 2_000);
      const last = files[files.length - 1];
      if (last === undefined) return counts;
      for (const { status } of await this.statusesOf(files)) counts[status.status] += 1;
      afterId = last.id;
    }
  }
}
