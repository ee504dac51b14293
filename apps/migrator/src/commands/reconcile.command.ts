import { RollupReconciler, type Clock } from '@steptrail/domain';
import { EXIT, type ExitCode } from '../cli/exit-codes.js';
import type { DatabaseSession } from '../database-session.js';
import { formatCount, formatElapsed } from '../output/format.js';
import type { Output } from '../output/output.js';
import { summaryTable } from '../output/summary-table.js';
import { highestFileId } from './migration-totals.js';

/**
 * `reconcile`: recomputes every file's rollup from its step rows, the on-demand form of what the API and the worker
 * do in the background after writes of other programs (docs/architecture.md#foreign-writes).
 */
export class ReconcileCommand {
  constructor(
    private readonly db: DatabaseSession,
    private readonly output: Output,
    private readonly clock: Clock,
  ) {}

  async run(): Promise<ExitCode> {
    await this.db.requireMigrated();
    const { store } = await this.db.useCases();
    const started = Date.now();
    const reconciler = new RollupReconciler({
      unitOfWork: store.unitOfWork,
      reads: store.reads,
      clock: this.clock,
    });
    const progress = this.output.progress();
    progress.start({ label: 'reconcile', total: await highestFileId(store), unit: 'files' });
    const totals = await reconciler
      .reconcileAll((running, lastFileId) =>
        progress.update({ position: lastFileId, count: running.filesChecked }),
      )
      .finally(() => progress.stop());
    const elapsedMs = Date.now() - started;
    this.output.result({ ...totals, elapsedMs }, () =>
      summaryTable('reconcile', [
        ['files checked', formatCount(totals.filesChecked)],
        ['rollups brought up to date', formatCount(totals.filesUpdated)],
        ['elapsed', formatElapsed(elapsedMs)],
      ]),
    );
    return EXIT.ok;
  }
}
