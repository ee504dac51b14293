import {
  bulkNote,
  bulkSelection,
  MAX_BULK_FILES,
  retryTargets,
  type BulkFileResult,
  type BulkKind,
  type BulkOperation,
} from '../bulk/bulk-operation.js';
import type { FileRecord } from '../files/file-record.js';
import type { FileFilter } from '../files/file-search.js';
import type { BulkResultWrite } from '../ports/bulk-operation-store.js';
import type { Clock } from '../ports/clock.js';
import type { Repositories, UnitOfWork } from '../ports/unit-of-work.js';
import { domainError, err, ok, type Result } from '../result.js';
import { requeue } from './requeue.js';
import { StepBatch } from './step-batch.js';

export interface BulkOperationsDeps {
  unitOfWork: UnitOfWork;
  reads: Repositories;
  clock: Clock;
}

export interface BulkPreview {
  /** Files the operation would handle now (at most MAX_BULK_FILES + 1). */
  matched: number;
  /** True when they are more than one operation takes (MAX_BULK_FILES): starting it would be refused. */
  tooMany: boolean;
  /** The newest of them, at most the sample size. */
  sampleFileIds: number[];
}

/** What one chunk did. */
export interface BulkChunk {
  operationId: number;
  results: BulkResultWrite[];
  /** True when this chunk's transaction also completed the operation. */
  finished: boolean;
}

const PAGE = 500;

/**
 * Bulk retry and bulk delete (docs/architecture.md#bulk-operations): an operation fixes its file list when it
 * starts, and any number of processes work through it chunk by chunk. A chunk claims pending files (skipping those
 * another process holds), changes each file and records its result in one transaction, so a file is handled
 * exactly once, however often a process dies mid-way.
 */
export class BulkOperations {
  constructor(private readonly deps: BulkOperationsDeps) {}

  /** The files an operation of this kind would handle now, without writing anything. */
  async preview(kind: BulkKind, filter: FileFilter, sampleSize: number): Promise<BulkPreview> {
    const ids = await this.matchingIds(bulkSelection(kind, filter), MAX_BULK_FILES + 1);
    return {
      matched: ids.length,
      tooMany: ids.length > MAX_BULK_FILES,
      sampleFileIds: ids.slice(0, sampleSize),
    };
  }

  /** Starts an operation over the files matching now; refused when they are more than MAX_BULK_FILES. */
  async start(kind: BulkKind, filter: FileFilter, createdBy: string | null): Promise<Result<BulkOperation>> {
    const ids = await this.matchingIds(bulkSelection(kind, filter), MAX_BULK_FILES + 1);
    if (ids.length > MAX_BULK_FILES) {
      return err(
        domainError(
          'TOO_MANY_FILES',
          `The filter matches more than ${MAX_BULK_FILES} files; narrow it (a time range, a step) and run several.`,
          { max: MAX_BULK_FILES },
        ),
      );
    }
    const now = this.deps.clock.now();
    const operation = await this.deps.unitOfWork.transaction((repos) =>
      repos.bulk.create(
        { kind, filter, createdBy, total: ids.length, createdAt: now },
        [...ids].sort((a, b) => a - b),
      ),
    );
    return ok(operation);
  }

  async get(id: number): Promise<Result<BulkOperation>> {
    const operation = await this.deps.reads.bulk.get(id);
    return operation === null
      ? err(domainError('BULK_OPERATION_NOT_FOUND', `Bulk operation ${id} does not exist.`, { id }))
      : ok(operation);
  }

  /** An operation's per-file results after `afterFileId`, ascending by file id. */
  results(id: number, afterFileId: number, limit: number): Promise<BulkFileResult[]> {
    return this.deps.reads.bulk.results(id, afterFileId, limit);
  }

  /**
   * Handles the next chunk of the oldest running operation that has unclaimed files; null when there is none.
   * An operation whose files are all handled is completed here, by exactly one caller.
   */
  async runChunk(chunkSize: number): Promise<BulkChunk | null> {
    for (const operationId of await this.deps.reads.bulk.running(20)) {
      const chunk = await this.deps.unitOfWork.transaction(async (repos) => {
        const operation = await repos.bulk.get(operationId);
        if (operation === null || operation.state !== 'running') return null;
        const fileIds = await repos.bulk.claimPending(operationId, chunkSize);
        const now = this.deps.clock.now();
        const results = fileIds.length === 0 ? [] : await this.handle(repos, operation, fileIds, now);
        if (results.length > 0) await repos.bulk.recordResults(operationId, results, now);
        const finished = await repos.bulk.finishIfDone(operationId, now);
        return results.length === 0 && !finished ? null : { operationId, results, finished };
      });
      if (chunk !== null) return chunk;
    }
    return null;
  }

  private async handle(
    repos: Repositories,
    operation: BulkOperation,
    fileIds: readonly number[],
    now: Date,
  ): Promise<BulkResultWrite[]> {
    const files = new Map((await repos.files.lockMany(fileIds)).map((file) => [file.id, file]));
    const gone = (fileId: number): BulkResultWrite => ({
      fileId,
      outcome: 'skipped',
      detail: 'The file no longer exists.',
    });
    if (operation.kind === 'delete') {
      const results: BulkResultWrite[] = [];
      for (const fileId of fileIds) {
        if (!files.has(fileId)) {
          results.push(gone(fileId));
          continue;
        }
        await this.note(repos, operation, fileId, 'deleted the file; its history stays', now);
        await repos.files.delete(fileId);
        results.push({ fileId, outcome: 'deleted', detail: null });
      }
      return results;
    }
    return this.retry(repos, operation, fileIds, files, now, gone);
  }

  private async retry(
    repos: Repositories,
    operation: BulkOperation,
    fileIds: readonly number[],
    files: ReadonlyMap<number, FileRecord>,
    now: Date,
    gone: (fileId: number) => BulkResultWrite,
  ): Promise<BulkResultWrite[]> {
    const batch = await StepBatch.load(repos, [...files.values()], now);
    const steps = await repos.steps.listForFiles([...files.keys()]);
    const results: BulkResultWrite[] = [];
    for (const fileId of fileIds) {
      if (!files.has(fileId)) {
        results.push(gone(fileId));
        continue;
      }
      const targets = retryTargets(
        steps.filter((step) => step.fileId === fileId),
        operation.filter,
      );
      if (targets.length === 0) {
        results.push({ fileId, outcome: 'skipped', detail: 'No failed step matches the filter any more.' });
        continue;
      }
      await this.note(repos, operation, fileId, `re-queued ${targets.join(', ')}`, now);
      for (const stepName of targets) {
        await requeue(
          batch,
          { fileId, stepName },
          `Re-queued for retry by bulk operation ${operation.id}`,
          now,
        );
      }
      results.push({ fileId, outcome: 'retried', detail: targets.join(', ') });
    }
    await batch.flush();
    return results;
  }

  private async note(repos: Repositories, operation: BulkOperation, fileId: number, what: string, now: Date) {
    await repos.logs.append({
      fileId,
      stepName: null,
      status: null,
      message: bulkNote(operation, what),
      detail: null,
      taskId: null,
      occurredAt: now,
    });
  }

  /** Ids of the files matching, newest first, at most `limit`, read page by page. */
  private async matchingIds(filter: FileFilter, limit: number): Promise<number[]> {
    const ids: number[] = [];
    let beforeId: number | undefined;
    while (ids.length < limit) {
      const page = await this.deps.reads.files.list({
        ...filter,
        limit: Math.min(PAGE, limit - ids.length),
        ...(beforeId === undefined ? {} : { beforeId }),
      });
      ids.push(...page.items.map((file) => file.id));
      if (page.nextBeforeId === null) break;
      beforeId = page.nextBeforeId;
    }
    return ids;
  }
}
