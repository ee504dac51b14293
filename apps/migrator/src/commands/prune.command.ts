import { setTimeout } from 'node:timers/promises';
import { KEPT_REASONS, type KeptReason, type LogDeletion, type LogRetention } from '@steptrail/domain';
import type { Duration } from '../cli/duration.js';
import { EXIT, type ExitCode } from '../cli/exit-codes.js';
import type { Interrupts } from '../cli/interrupts.js';
import type { DatabaseSession } from '../database-session.js';
import { formatCount, formatElapsed } from '../output/format.js';
import type { Output } from '../output/output.js';
import { summaryTable } from '../output/summary-table.js';

interface PruneTally {
  filesPruned: number;
  fileLogRows: number;
  taskLevelRows: number;
  rowsOfDeletedFiles: number;
  kept: Record<KeptReason, number>;
}

/** How far apart deletes are spaced and how many rows each may take, so writers wait for no more than one. */
export interface PrunePacing {
  filesPerScan: number;
  rowsPerDelete: number;
  /** Pause after a delete that took `ms`; the default pauses as long as the delete took (10 to 250 ms). */
  pauseAfter(ms: number): Promise<void>;
}

export const DEFAULT_PACING: PrunePacing = {
  filesPerScan: 500,
  rowsPerDelete: 1000,
  pauseAfter: (ms) => setTimeout(Math.min(250, Math.max(10, ms))),
};

const KEPT_LABELS: Record<KeptReason, string> = {
  unfinishedSteps: 'files kept: a step is not finished',
  notRebuiltFromLogs: 'files kept: steps not rebuilt from logs yet',
  noStepRows: 'files kept: no step rows (not migrated yet)',
  newerHistory: 'files kept: history newer than the cutoff',
};

/** `prune --older-than`: log retention in small statements; a file's history goes whole or not at all. */
export class PruneCommand {
  private stopped = false;

  constructor(
    private readonly db: DatabaseSession,
    private readonly output: Output,
    private readonly interrupts: Interrupts,
    private readonly now: () => Date,
    private readonly pacing: PrunePacing = DEFAULT_PACING,
  ) {}

  async run({ olderThan, dryRun }: { olderThan: Duration; dryRun: boolean }): Promise<ExitCode> {
    await this.db.requireMigrated();
    const started = Date.now();
    const cutoff = new Date(this.now().getTime() - olderThan.ms);
    const retention = await this.db.retention(cutoff);
    const tally: PruneTally = {
      filesPruned: 0,
      fileLogRows: 0,
      taskLevelRows: 0,
      rowsOfDeletedFiles: 0,
      kept: { unfinishedSteps: 0, notRebuiltFromLogs: 0, noStepRows: 0, newerHistory: 0 },
    };
    await this.fileHistories(retention, tally, dryRun);
    if (!this.stopped) {
      tally.taskLevelRows = dryRun
        ? await retention.countTaskLevel()
        : await this.deleteAll((after) => retention.deleteTaskLevel(after, this.pacing.rowsPerDelete));
    }
    if (!this.stopped) {
      tally.rowsOfDeletedFiles = dryRun
        ? await retention.countOfDeletedFiles()
        : await this.deleteAll((after) => retention.deleteOfDeletedFiles(after, this.pacing.rowsPerDelete));
    }
    this.report(tally, {
      olderThan: olderThan.text,
      cutoff,
      dryRun,
      interrupted: this.stopped,
      elapsedMs: Date.now() - started,
    });
    return this.stopped ? EXIT.interrupted : EXIT.ok;
  }

  /** Walks the files in id order, classifying a chunk at a time and deleting the histories that may go. */
  private async fileHistories(retention: LogRetention, tally: PruneTally, dryRun: boolean): Promise<void> {
    const progress = this.output.progress();
    progress.start({ label: 'prune', total: await retention.highestFileId(), unit: 'files' });
    let afterId = 0;
    let scanned = 0;
    try {
      for (;;) {
        const chunk = await retention.classifyFiles(afterId, this.pacing.filesPerScan);
        if (chunk.lastFileId === null) return;
        for (const reason of KEPT_REASONS) tally.kept[reason] += chunk.kept[reason];
        tally.filesPruned += chunk.prunable.length;
        const fileIds = chunk.prunable.map((file) => file.fileId);
        tally.fileLogRows += dryRun
          ? chunk.prunable.reduce((sum, file) => sum + file.logRows, 0)
          : await this.deleteAll((after) =>
              retention.deleteFileLogs(fileIds, after, this.pacing.rowsPerDelete),
            );
        scanned += this.pacing.filesPerScan;
        afterId = chunk.lastFileId;
        progress.update({
          position: afterId,
          count: scanned,
          detail: { lastFileId: afterId, logRowsDeleted: tally.fileLogRows },
        });
        if (this.stopped || (await this.interrupts.heard())) {
          this.stopped = true;
          return;
        }
      }
    } finally {
      progress.stop();
    }
  }

  /** Repeats one small delete, pausing after each, until nothing is left or an interrupt arrives. */
  private async deleteAll(step: (afterLogId: number) => Promise<LogDeletion>): Promise<number> {
    let deleted = 0;
    let after = 0;
    for (;;) {
      const started = Date.now();
      const result = await step(after);
      if (result.lastLogId === null) return deleted;
      deleted += result.deleted;
      after = result.lastLogId;
      await this.pacing.pauseAfter(Date.now() - started);
      if (this.interrupts.stopRequested) {
        this.stopped = true;
        return deleted;
      }
    }
  }

  private report(
    tally: PruneTally,
    run: { olderThan: string; cutoff: Date; dryRun: boolean; interrupted: boolean; elapsedMs: number },
  ): void {
    this.output.result({ ...tally, ...run, cutoff: run.cutoff.toISOString() }, () => {
      const rows = [
        [
          run.dryRun ? 'files whose history would be deleted' : 'files whose history was deleted',
          formatCount(tally.filesPruned),
        ],
        ['  their log rows', formatCount(tally.fileLogRows)],
        ['task-level log rows (no file id)', formatCount(tally.taskLevelRows)],
        ['log rows of files that no longer exist', formatCount(tally.rowsOfDeletedFiles)],
        ...KEPT_REASONS.map((reason) => [KEPT_LABELS[reason], formatCount(tally.kept[reason])] as const),
        ['elapsed', formatElapsed(run.elapsedMs)],
      ] as const;
      const mode = run.dryRun ? ', dry run: nothing was deleted' : run.interrupted ? ', interrupted' : '';
      return summaryTable(
        `prune --older-than ${run.olderThan} (rows before ${run.cutoff.toISOString()}${mode})`,
        rows,
      );
    });
  }
}
