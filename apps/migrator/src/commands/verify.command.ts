import type { Discrepancy, FileVerification, LegacyMigration, Store } from '@steptrail/domain';
import { EXIT, type ExitCode } from '../cli/exit-codes.js';
import type { HeapBudget } from '../cli/heap-budget.js';
import type { Interrupts } from '../cli/interrupts.js';
import { UsageError } from '../cli/usage-error.js';
import type { DatabaseSession } from '../database-session.js';
import { formatCount, formatElapsed } from '../output/format.js';
import type { Output } from '../output/output.js';
import { summaryTable } from '../output/summary-table.js';
import { highestFileId } from './migration-totals.js';

type Kind = Discrepancy['kind'];

interface Tally {
  filesChecked: number;
  filesInvalid: number;
  filesWithoutHistory: number;
  discrepancies: Record<Kind, number>;
}

/** Thrown out of the per-file callback to stop early (Ctrl-C); verify changes nothing, so there is nothing to keep. */
class StopRequested extends Error {}

const FILES_SHOWN = 50;
const FILES_PER_READ = 500;

/** `verify`: compares step rows and rollups with the fold of the logs, file by file, in words. */
export class VerifyCommand {
  constructor(
    private readonly db: DatabaseSession,
    private readonly output: Output,
    private readonly interrupts: Interrupts,
    private readonly heap: HeapBudget,
  ) {}

  async run({ fileId }: { fileId: number | null }): Promise<ExitCode> {
    await this.db.requireMigrated();
    const { legacy, store } = await this.db.useCases();
    const started = Date.now();
    const tally: Tally = {
      filesChecked: 0,
      filesInvalid: 0,
      filesWithoutHistory: 0,
      discrepancies: { missing_step: 0, extra_step: 0, step_field: 0, rollup: 0 },
    };
    const interrupted =
      fileId === null ? await this.all(legacy, store, tally) : await this.one(legacy, store, fileId, tally);
    this.finish(tally, { fileId, interrupted, elapsedMs: Date.now() - started });
    if (interrupted) return EXIT.interrupted;
    return tally.filesInvalid > 0 ? EXIT.problems : EXIT.ok;
  }

  private async one(legacy: LegacyMigration, store: Store, fileId: number, tally: Tally): Promise<boolean> {
    const result = await legacy.verifyMigration(fileId);
    if (!result.ok) throw new UsageError(`${result.error.message} Give the id of a row in files.`, 'verify');
    await this.record(result.value, store, tally);
    return false;
  }

  private async all(legacy: LegacyMigration, store: Store, tally: Tally): Promise<boolean> {
    const progress = this.output.progress();
    progress.start({ label: 'verify', total: await highestFileId(store), unit: 'files' });
    try {
      await legacy.verifyAll(async (verification) => {
        await this.record(verification, store, tally);
        progress.update({
          position: verification.fileId,
          count: tally.filesChecked,
          detail: { filesInvalid: tally.filesInvalid },
        });
        if (tally.filesChecked % FILES_PER_READ !== 0) return;
        this.heap.afterBatch();
        if (await this.interrupts.heard()) throw new StopRequested();
      }, FILES_PER_READ);
      return false;
    } catch (error) {
      if (error instanceof StopRequested) return true;
      throw error;
    } finally {
      progress.stop();
    }
  }

  private async record(verification: FileVerification, store: Store, tally: Tally): Promise<void> {
    tally.filesChecked += 1;
    if (verification.valid) return;
    if (await historyWasPruned(verification, store)) {
      tally.filesWithoutHistory += 1;
      return;
    }
    tally.filesInvalid += 1;
    for (const discrepancy of verification.discrepancies) tally.discrepancies[discrepancy.kind] += 1;
    if (this.output.json) {
      // The document streams: its list of invalid files opens with the first one.
      this.output.raw(`${tally.filesInvalid > 1 ? ',' : '{"invalidFiles":['}${JSON.stringify(verification)}`);
    } else if (tally.filesInvalid <= FILES_SHOWN) {
      const count = verification.discrepancies.length;
      this.output.line(`File ${verification.fileId}: ${count} difference${count === 1 ? '' : 's'}`);
      for (const discrepancy of verification.discrepancies) this.output.line(`  - ${discrepancy.message}`);
    }
  }

  private finish(
    tally: Tally,
    run: { fileId: number | null; interrupted: boolean; elapsedMs: number },
  ): void {
    if (this.output.json) {
      this.output.raw(
        `${tally.filesInvalid > 0 ? '],' : '{"invalidFiles":[],'}${JSON.stringify({ ...tally, ...run }).slice(1)}`,
      );
      return;
    }
    if (tally.filesInvalid > FILES_SHOWN) {
      this.output.line(
        `... and ${formatCount(tally.filesInvalid - FILES_SHOWN)} more invalid files (--json lists every one).`,
      );
    }
    const rows = [
      ['files checked', formatCount(tally.filesChecked)],
      ['files valid', formatCount(tally.filesChecked - tally.filesInvalid)],
      ['files invalid', formatCount(tally.filesInvalid)],
      ['  missing steps', formatCount(tally.discrepancies.missing_step)],
      ['  extra steps', formatCount(tally.discrepancies.extra_step)],
      ['  step fields that differ', formatCount(tally.discrepancies.step_field)],
      ['  rollup fields that differ', formatCount(tally.discrepancies.rollup)],
      ['files whose history was pruned', formatCount(tally.filesWithoutHistory)],
      ['elapsed', formatElapsed(run.elapsedMs)],
    ] as const;
    const title = `verify${run.interrupted ? ' (interrupted: not every file was checked)' : ''}`;
    this.output.line(summaryTable(title, rows));
  }
}

/**
 * A file whose only differences are step rows with no log at all, and that has no log left, lost its history to
 * `prune` (which deletes a file's history only as a whole): there is nothing to compare, which is not a defect.
 */
async function historyWasPruned(verification: FileVerification, store: Store): Promise<boolean> {
  if (!verification.discrepancies.every((discrepancy) => discrepancy.kind === 'extra_step')) return false;
  const page = await store.reads.logs.page(verification.fileId, 1, null);
  return page.items.length === 0;
}
