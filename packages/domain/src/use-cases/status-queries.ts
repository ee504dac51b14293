import type { EventPosition } from '../events/step-event.js';
import { rollupStatus, type FileRecord, type StoredStep } from '../files/file-record.js';
import type { FileListQuery, FilePage, StatusCounts } from '../ports/file-repository.js';
import type { LogPage } from '../ports/log-repository.js';
import type { Clock } from '../ports/clock.js';
import type { Repositories } from '../ports/unit-of-work.js';
import { FreshStatusCounts, StatusCountsCache } from './status-counts-cache.js';
import { domainError, err, ok, type Result } from '../result.js';
import { computeOverallStatus, type OverallStatusResult } from '../status/overall-status.js';
import { computeStepSummary, type StepSummary } from '../status/step-summary.js';
import { stoppedSteps } from '../status/stopped-steps.js';

export interface StepView {
  status: string;
  startedAt: Date | null;
  completedAt: Date | null;
  errorMessage: string | null;
  attempts: number;
  /** The failed step that stopped this pending one (docs/architecture.md#stopped-steps), or null. */
  stoppedBy: string | null;
}

export interface FileDetail {
  file: FileRecord;
  status: OverallStatusResult;
  summary: StepSummary;
}

export const MAX_PAGE_SIZE = 500;

/** The read side of the step manager: index reads, never a log scan. */
export class StatusQueries {
  private readonly counts: StatusCountsCache | null;
  private readonly freshCounts: FreshStatusCounts;

  /** With `countsMaxAgeMs` > 0, list pages carry counts at most that old (see StatusCountsCache). */
  constructor(
    private readonly reads: Repositories,
    options: { clock: Clock; countsMaxAgeMs: number } | null = null,
  ) {
    this.counts =
      options === null || options.countsMaxAgeMs <= 0
        ? null
        : new StatusCountsCache(() => reads.files.countByStatus(), options.clock, options.countsMaxAgeMs);
    this.freshCounts = new FreshStatusCounts(() => reads.files.countByStatus());
  }

  async getFile(fileId: number): Promise<Result<FileRecord>> {
    const file = await this.reads.files.get(fileId);
    return file === null ? notFound(fileId) : ok(file);
  }

  /** `{stepName: {status, startedAt, completedAt, errorMessage, attempts}}` for every step row. */
  async getFileStepStatus(fileId: number): Promise<Result<Record<string, StepView>>> {
    const loaded = await this.load(fileId);
    if (!loaded.ok) return loaded;
    const { file, steps: rows } = loaded.value;
    const stopped = stoppedSteps({ managed: file.managed, workflow: file.workflow, steps: rows });
    const steps: Record<string, StepView> = {};
    for (const step of rows) steps[step.stepName] = toView(step, stopped.get(step.stepName) ?? null);
    return ok(steps);
  }

  /**
   * The overall status from the rollup on the file row: one primary-key read. Every step change rewrites the
   * rollup in its own transaction, so it is what the rule gives for the step rows, and what the list shows.
   */
  async getFileOverallStatus(fileId: number): Promise<Result<OverallStatusResult>> {
    const file = await this.reads.files.get(fileId);
    return file === null ? notFound(fileId) : ok(rollupStatus(file.rollup));
  }

  async getStepSummary(fileId: number): Promise<Result<StepSummary>> {
    const loaded = await this.load(fileId);
    if (!loaded.ok) return loaded;
    return ok(
      computeStepSummary({
        managed: loaded.value.file.managed,
        workflow: loaded.value.file.workflow,
        steps: loaded.value.steps,
      }),
    );
  }

  /** File, overall status and summary from one read of the step rows. */
  async getFileDetail(fileId: number): Promise<Result<FileDetail>> {
    const loaded = await this.load(fileId);
    if (!loaded.ok) return loaded;
    const { file, steps } = loaded.value;
    return ok({
      file,
      status: computeOverallStatus({
        isDuplicate: file.isDuplicate,
        managed: file.managed,
        workflow: file.workflow,
        steps,
      }),
      summary: computeStepSummary({ managed: file.managed, workflow: file.workflow, steps }),
    });
  }

  /**
   * The file this one duplicates (docs/architecture.md#duplicates): the oldest file with the same content hash that
   * is no duplicate itself, and only an older one, so two copies processed at once never mark each other. Null when
   * there is none.
   */
  async originalOf(file: Pick<FileRecord, 'id' | 'filehash'>): Promise<FileRecord | null> {
    const original = await this.reads.files.findOriginal(file.filehash, file.id);
    return original !== null && original.id < file.id ? original : null;
  }

  /** A file's history, oldest first, paged after `after`. */
  async getProcessingLogs(
    fileId: number,
    limit: number,
    after: EventPosition | null = null,
  ): Promise<Result<LogPage>> {
    const page = await this.reads.logs.page(fileId, clampLimit(limit), after);
    // A deleted file's history stays readable by its id (docs/architecture.md#deleting-files).
    if (page.items.length === 0 && after === null && (await this.reads.files.get(fileId)) === null)
      return notFound(fileId);
    return ok(page);
  }

  /** Newest first; the status filter reads the rollup, so it matches the badges exactly. */
  async listFiles(query: FileListQuery): Promise<{ page: FilePage; counts: StatusCounts }> {
    const [page, counts] = await Promise.all([
      this.reads.files.list({ ...query, limit: clampLimit(query.limit) }),
      this.counts?.get() ?? this.reads.files.countByStatus(),
    ]);
    return { page, counts };
  }

  /**
   * Files per status across the whole store, read now: never the cached counts of `listFiles`, so a caller that
   * has seen a change (a live `file` event) gets counts that include it; concurrent callers share one read
   * (FreshStatusCounts, docs/architecture.md#status-counts).
   */
  countFiles(): Promise<StatusCounts> {
    return this.freshCounts.get();
  }

  private async load(fileId: number): Promise<Result<{ file: FileRecord; steps: StoredStep[] }>> {
    const file = await this.reads.files.get(fileId);
    if (file === null) return notFound(fileId);
    return ok({ file, steps: await this.reads.steps.listForFile(fileId) });
  }
}

const clampLimit = (limit: number): number => Math.max(1, Math.min(MAX_PAGE_SIZE, Math.trunc(limit)));

const notFound = (fileId: number) =>
  err(domainError('FILE_NOT_FOUND', `File ${fileId} does not exist.`, { fileId }));

function toView(step: StoredStep, stoppedBy: string | null): StepView {
  return {
    stoppedBy,
    status: step.status,
    startedAt: step.startedAt,
    completedAt: step.completedAt,
    errorMessage: step.errorMessage,
    attempts: step.attempts,
  };
}
