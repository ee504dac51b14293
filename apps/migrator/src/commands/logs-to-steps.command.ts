import {
  emptyTotals,
  type CandidateMode,
  type LegacyMigration,
  type LegacyMigrationStore,
  type MigrationProgress,
  type MigrationTotals,
} from '@steptrail/domain';
import { DEFAULT_CONCURRENCY } from '../cli/command.js';
import { EXIT, type ExitCode } from '../cli/exit-codes.js';
import type { HeapBudget } from '../cli/heap-budget.js';
import type { Interrupts } from '../cli/interrupts.js';
import { UsageError } from '../cli/usage-error.js';
import type { DatabaseSession } from '../database-session.js';
import { formatCount, formatElapsed } from '../output/format.js';
import type { Output } from '../output/output.js';
import type { Progress } from '../output/progress.js';
import { summaryTable } from '../output/summary-table.js';
import { addTotals, countsOf, highestFileId, totalsRows } from './migration-totals.js';

export interface LogsToStepsOptions {
  fileId: number | null;
  batchSize: number;
  /** null: DEFAULT_CONCURRENCY where the database has concurrent writers, else 1. */
  concurrency: number | null;
  dryRun: boolean;
  all: boolean;
  restart: boolean;
}

interface Walk {
  mode: CandidateMode;
  dryRun: boolean;
  batchSize: number;
  concurrency: number;
  resumed: MigrationProgress | null;
  startedAt: Date;
}

const ERRORS_SHOWN = 20;

/** `logs-to-steps`: rebuilds step rows from legacy logs, batch by batch, resumable. */
export class LogsToStepsCommand {
  constructor(
    private readonly db: DatabaseSession,
    private readonly output: Output,
    private readonly interrupts: Interrupts,
    private readonly now: () => Date,
    private readonly heap: HeapBudget,
  ) {}

  async run(options: LogsToStepsOptions): Promise<ExitCode> {
    await this.db.requireMigrated();
    const { legacy, store } = await this.db.useCases();
    if (options.fileId !== null) return this.one(legacy, options.fileId, options.dryRun);
    const mode: CandidateMode = options.all ? 'all' : 'missing';
    const checkpoints = store.reads.legacy;
    if (options.restart && !options.dryRun) await checkpoints.clearProgress(mode);
    const resumed = options.restart ? null : await checkpoints.loadProgress(mode);
    if (resumed !== null) {
      this.output.note(
        `Continuing the run started ${resumed.startedAt.toISOString()}: files up to id ${resumed.lastFileId} are done ` +
          `(${formatCount(resumed.totals.totalFiles)} files). --restart starts over.`,
      );
    }
    const walk: Walk = {
      mode,
      dryRun: options.dryRun,
      batchSize: options.batchSize,
      // SQLite has one writer: a second batch would only queue behind the first.
      concurrency: options.concurrency ?? (store.capabilities.concurrentWriters ? DEFAULT_CONCURRENCY : 1),
      resumed,
      startedAt: resumed?.startedAt ?? this.now(),
    };
    return this.many(legacy, checkpoints, walk);
  }

  private async one(legacy: LegacyMigration, fileId: number, dryRun: boolean): Promise<ExitCode> {
    const started = Date.now();
    const result = await legacy.migrateLogsToSteps(fileId, { dryRun });
    if (!result.ok)
      throw new UsageError(`${result.error.message} Give the id of a row in files.`, 'logs-to-steps');
    this.report(result.value, { fileId, dryRun, mode: 'file', elapsedMs: Date.now() - started });
    return result.value.filesFailed > 0 ? EXIT.problems : EXIT.ok;
  }

  private async many(
    legacy: LegacyMigration,
    checkpoints: LegacyMigrationStore,
    walk: Walk,
  ): Promise<ExitCode> {
    const started = Date.now();
    const afterId = walk.resumed?.lastFileId ?? 0;
    const prior = walk.resumed?.totals ?? emptyTotals();
    const progress = this.output.progress();
    progress.start({
      label: 'logs-to-steps',
      total: Math.max(0, (await highestFileId((await this.db.useCases()).store)) - afterId),
      unit: 'files',
    });
    let reached = { totals: emptyTotals(), lastFileId: afterId };
    let interrupted = false;
    try {
      const totals = await legacy.migrateAllFiles({
        batchSize: walk.batchSize,
        concurrency: walk.concurrency,
        dryRun: walk.dryRun,
        mode: walk.mode,
        afterId,
        // Saved in each batch's transaction: a kill right after a commit resumes after that batch, totals exact.
        progress: (running, lastFileId) => ({
          mode: walk.mode,
          lastFileId,
          totals: addTotals(prior, running),
          startedAt: walk.startedAt,
          updatedAt: this.now(),
        }),
        onBatch: (running, lastFileId) => {
          reached = { totals: running, lastFileId };
          this.afterBatch(reached, progress, afterId);
        },
        // Ctrl-C, SIGTERM: the batches in flight still commit, and their onBatch shows them.
        stopRequested: async () => (interrupted = await this.interrupts.heard()),
      });
      progress.stop();
      if (!walk.dryRun && !interrupted) await checkpoints.clearProgress(walk.mode);
      return this.finish(addTotals(prior, totals), totals, walk, {
        elapsedMs: Date.now() - started,
        interrupted,
        lastFileId: reached.lastFileId,
      });
    } catch (error) {
      progress.stop();
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(
        `logs-to-steps stopped after file ${reached.lastFileId} (run it again to continue): ${message}`,
        { cause: error },
      );
    }
  }

  /** Shows the progress the batch's transaction saved. */
  private afterBatch(
    reached: { totals: MigrationTotals; lastFileId: number },
    progress: Progress,
    afterId: number,
  ): void {
    progress.update({
      position: reached.lastFileId - afterId,
      count: reached.totals.totalFiles,
      detail: { lastFileId: reached.lastFileId, ...countsOf(reached.totals) },
      force: true,
    });
    this.heap.afterBatch();
  }

  private finish(
    cumulative: MigrationTotals,
    thisRun: MigrationTotals,
    walk: Walk,
    run: { elapsedMs: number; interrupted: boolean; lastFileId: number },
  ): ExitCode {
    this.report(cumulative, {
      mode: walk.mode,
      dryRun: walk.dryRun,
      resumedAfterFileId: walk.resumed?.lastFileId ?? null,
      thisRun: countsOf(thisRun),
      ...run,
    });
    if (run.interrupted) {
      this.output.note(`Stopped after file ${run.lastFileId}; run the same command to continue from there.`);
      return EXIT.interrupted;
    }
    return cumulative.filesFailed > 0 ? EXIT.problems : EXIT.ok;
  }

  private report(
    totals: MigrationTotals,
    extra: Record<string, unknown> & { dryRun: boolean; elapsedMs: number; thisRun?: { totalFiles: number } },
  ): void {
    this.output.result({ ...totals, ...extra }, () => {
      const title = `logs-to-steps${extra.dryRun ? ' (dry run: nothing was changed)' : ''}${extra.interrupted === true ? ' (interrupted)' : ''}`;
      const filesThisRun = extra.thisRun?.totalFiles ?? totals.totalFiles;
      const rate = filesThisRun / Math.max(extra.elapsedMs / 1000, 0.001);
      const resumed =
        typeof extra.resumedAfterFileId === 'number'
          ? [
              [
                'continued after file id',
                `${extra.resumedAfterFileId} (this run: ${formatCount(filesThisRun)} files)`,
              ] as const,
            ]
          : [];
      const rows = [
        ...totalsRows(totals),
        ...resumed,
        ['elapsed', `${formatElapsed(extra.elapsedMs)} (${formatCount(rate)} files/s)`] as const,
      ];
      const errors = totals.errors
        .slice(0, ERRORS_SHOWN)
        .map(({ fileId, message }) => `  file ${fileId}: ${message}`);
      const more =
        totals.filesFailed > errors.length
          ? [`  ... ${formatCount(totals.filesFailed - errors.length)} more`]
          : [];
      return [
        summaryTable(title, rows),
        ...(errors.length > 0 ? ['Files that failed:', ...errors, ...more] : []),
      ].join('\n');
    });
  }
}
