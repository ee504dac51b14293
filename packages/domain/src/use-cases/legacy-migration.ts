import type { Clock } from '../ports/clock.js';
import type {
  CandidateMode,
  MigrationProgress,
  RebuiltStep,
  StepRebuildCounts,
} from '../ports/legacy-migration-store.js';
import type { Repositories, UnitOfWork } from '../ports/unit-of-work.js';
import { nextRollup, sameRollup, type FileRollup } from '../files/file-record.js';
import { verifyFile, type FileVerification } from '../verify/verify-file.js';
import { domainError, err, ok, type Result } from '../result.js';
import { groupBy } from '../group-by.js';
import { compareEvents } from '../events/step-event.js';
import { emptyTotals, type MigrationTotals } from '../migration/migration-totals.js';

export interface MigrateAllOptions {
  batchSize?: number;
  dryRun?: boolean;
  /** `missing` (default): files with logs and no step rows; `all`: re-derive every file with logs. */
  mode?: CandidateMode;
  /** Resume after this file id. */
  afterId?: number;
  /**
   * How many batches may run side by side (default 1), each in its own transaction; they still commit in file id
   * order. Only on a store with concurrent writers, whose pool has a connection more than this (a batch waiting
   * for the one before it keeps its connection); on a one-writer store batches run one at a time.
   */
  concurrency?: number;
  /** Called after every batch, in file id order, with the running totals and the last file id done. */
  onBatch?: (totals: MigrationTotals, lastFileId: number) => void | Promise<void>;
  /** Asked after every onBatch: true starts no further batch; the batches already started still commit. */
  stopRequested?: () => boolean | Promise<boolean>;
  /**
   * The progress to save with each batch, in the batch's transaction, given the run's totals including that batch:
   * a run killed right after a commit resumes after that batch with exact totals. Not called in a dry run.
   */
  progress?: (totals: MigrationTotals, lastFileId: number) => MigrationProgress;
}

/**
 * Rebuilds step rows from legacy logs and verifies them; every batch commits on its own, so a run can resume
 * (docs/architecture.md#adoption).
 */
export class LegacyMigration {
  constructor(
    private readonly deps: {
      unitOfWork: UnitOfWork;
      reads: Repositories;
      clock: Clock;
      /** Whether transactions run side by side (StoreCapabilities.concurrentWriters); batches overlap only then. */
      concurrentWriters?: boolean;
    },
  ) {}

  /** Rebuilds one file's steps from its logs; `dryRun` only counts. */
  async migrateLogsToSteps(
    fileId: number,
    options: { dryRun?: boolean } = {},
  ): Promise<Result<MigrationTotals>> {
    const file = await this.deps.reads.files.get(fileId);
    if (file === null)
      return err(domainError('FILE_NOT_FOUND', `File ${fileId} does not exist.`, { fileId }));
    return ok(await this.runBatch([fileId], options.dryRun ?? false, Promise.resolve(emptyTotals())));
  }

  /**
   * Walks candidate files in id order, one transaction per batch, up to `concurrency` batches at a time. A batch
   * commits only after the batch before it has finished, so the progress it saves never counts uncommitted work.
   */
  async migrateAllFiles(options: MigrateAllOptions = {}): Promise<MigrationTotals> {
    const batchSize = Math.max(1, options.batchSize ?? 100);
    const dryRun = options.dryRun ?? false;
    const mode = options.mode ?? 'missing';
    const progress = dryRun ? undefined : options.progress;
    const inFlight: Array<{ done: Promise<MigrationTotals>; last: number }> = [];
    let previous = Promise.resolve(emptyTotals());
    let reached = emptyTotals();
    let afterId = options.afterId ?? 0;
    let stopping = false;
    const report = async (batch: { done: Promise<MigrationTotals>; last: number }) => {
      reached = await batch.done;
      await options.onBatch?.(reached, batch.last);
    };
    if (progress !== undefined) await this.deps.reads.legacy.prepareProgress();
    try {
      while (!stopping) {
        // The next ids come from where the previous batch ends, not from what is still unfinished.
        const ids = await this.deps.reads.legacy.candidateFileIds(mode, afterId, batchSize);
        const last = ids[ids.length - 1];
        if (last === undefined) break;
        previous = this.runBatch(ids, dryRun, previous, progress);
        // Handled here so a failure is not reported unhandled before its turn; `report` still sees it.
        previous.catch(() => undefined);
        inFlight.push({ done: previous, last });
        afterId = last;
        const oldest = inFlight.length >= this.concurrency(options) ? inFlight.shift() : undefined;
        if (oldest === undefined) continue;
        await report(oldest);
        stopping = (await options.stopRequested?.()) === true;
      }
      for (let batch = inFlight.shift(); batch !== undefined; batch = inFlight.shift()) await report(batch);
      return reached;
    } finally {
      // A failing read or onBatch stops the walk: let the batches already started finish before it is rethrown.
      await Promise.allSettled(inFlight.map((batch) => batch.done));
    }
  }

  /** Compares one file's rows and rollup with the fold of its logs. */
  async verifyMigration(fileId: number): Promise<Result<FileVerification>> {
    const [result] = await this.verifyFiles([fileId]);
    return result === undefined
      ? err(domainError('FILE_NOT_FOUND', `File ${fileId} does not exist.`, { fileId }))
      : ok(result);
  }

  /** Verifies every file, in id order, `batchSize` files per read; calls `onFile` for each result. */
  async verifyAll(
    onFile: (verification: FileVerification) => void | Promise<void>,
    batchSize = 500,
  ): Promise<{ filesChecked: number; filesInvalid: number }> {
    let afterId = 0;
    let filesChecked = 0;
    let filesInvalid = 0;
    for (;;) {
      const files = await this.deps.reads.files.listAfter(afterId, batchSize);
      const last = files[files.length - 1];
      if (last === undefined) return { filesChecked, filesInvalid };
      for (const verification of await this.verifyFiles(files.map((file) => file.id))) {
        filesChecked += 1;
        if (!verification.valid) filesInvalid += 1;
        await onFile(verification);
      }
      afterId = last.id;
    }
  }

  private async verifyFiles(fileIds: readonly number[]): Promise<FileVerification[]> {
    const { files, logs, steps } = this.deps.reads;
    const [records, allLogs, allSteps] = await Promise.all([
      files.getMany(fileIds),
      logs.listForFiles(fileIds),
      steps.listForFiles(fileIds),
    ]);
    const logsByFile = groupBy(allLogs, (log) => log.fileId);
    const stepsByFile = groupBy(allSteps, (step) => step.fileId);
    return records.map((file) =>
      verifyFile({ file, logs: logsByFile.get(file.id) ?? [], steps: stepsByFile.get(file.id) ?? [] }),
    );
  }

  /** One transaction on a one-writer store would wait for ever on a batch queued behind it. */
  private concurrency(options: MigrateAllOptions): number {
    return this.deps.concurrentWriters === true ? Math.max(1, options.concurrency ?? 1) : 1;
  }

  /**
   * Rebuilds a batch in one transaction that commits after `before` (the run's totals up to the batch before it)
   * has settled, and returns the totals including this batch. A failing batch is redone file by file, in turn.
   */
  private async runBatch(
    fileIds: readonly number[],
    dryRun: boolean,
    before: Promise<MigrationTotals>,
    progress?: MigrateAllOptions['progress'],
  ): Promise<MigrationTotals> {
    try {
      return await this.deps.unitOfWork.transaction(async (repos) => {
        const counts = await this.rebuild(repos, fileIds, dryRun);
        const after = withBatch(await before, fileIds.length, counts);
        const last = fileIds[fileIds.length - 1];
        if (progress !== undefined && last !== undefined)
          await repos.legacy.saveProgress(progress(after, last));
        return after;
      });
    } catch (error) {
      let totals = await before;
      if (fileIds.length > 1) {
        // Isolate the failing file: the batch rolled back as a whole, so redo its files one by one.
        for (const fileId of fileIds)
          totals = await this.runBatch([fileId], dryRun, Promise.resolve(totals), progress);
        return totals;
      }
      const message = error instanceof Error ? error.message : String(error);
      return {
        ...totals,
        totalFiles: totals.totalFiles + 1,
        filesFailed: totals.filesFailed + 1,
        errors: [...totals.errors, { fileId: fileIds[0] ?? 0, message }],
      };
    }
  }

  private async rebuild(
    repos: Repositories,
    fileIds: readonly number[],
    dryRun: boolean,
  ): Promise<Map<number, StepRebuildCounts>> {
    const { counts, steps } = await repos.legacy.rebuildSteps(fileIds, dryRun);
    if (dryRun) return counts;
    const now = this.deps.clock.now();
    const rollups = new Map<number, FileRollup>();
    const stepsByFile = groupBy(steps, (step) => step.fileId);
    for (const file of await repos.files.rollupSources(fileIds)) {
      const own = stepsByFile.get(file.id) ?? [];
      const rollup = nextRollup(file, own, latestStep(own), now);
      if (!sameRollup(rollup, file.rollup)) rollups.set(file.id, rollup);
    }
    if (rollups.size > 0) await repos.files.saveRollups(rollups);
    return counts;
  }
}

/** The totals after a batch of `files` files whose rebuilt files counted `counts`. */
function withBatch(
  before: MigrationTotals,
  files: number,
  counts: ReadonlyMap<number, StepRebuildCounts>,
): MigrationTotals {
  const after = { ...before, errors: [...before.errors] };
  after.totalFiles += files;
  after.filesMigrated += counts.size;
  for (const fileCounts of counts.values()) {
    after.totalStepsCreated += fileCounts.stepsCreated;
    after.totalStepsUpdated += fileCounts.stepsUpdated;
    after.totalStepsSkipped += fileCounts.stepsUnchanged;
    after.eventsIgnored += fileCounts.eventsIgnored;
  }
  return after;
}

/** The step whose last event is the latest one. */
function latestStep(steps: readonly RebuiltStep[]): string | null {
  let latest: RebuiltStep | null = null;
  for (const step of steps) {
    if (step.lastEvent === null) continue;
    if (latest?.lastEvent == null || compareEvents(latest.lastEvent, step.lastEvent) < 0) latest = step;
  }
  return latest?.stepName ?? null;
}
