// The rollup reconciler's cost on steptrail's own writes (issue 12: at most 5 %): in-process event ingestion with the
// reconciler's loop running in the same process (as the API and the worker run it) and without it, alternating
// segment by segment on fresh files, so load and drift fall on both alike. docs/architecture.md#foreign-writes.
// Each `on` segment times the writes while the loop runs; before it, untimed, the reconciler catches up on what
// the `off` segment wrote, so it pays only for its own rows. Stopping the loop and catching up on the segment's
// last rows (at most one interval's worth) are left out of the timing: a deployed loop never stops, and timing
// the stop added a fixed pause per segment (a pass in flight, the lease given up) that said nothing about the
// steady cost.
import { RollupReconciler, StepTracker, systemClock, type Store } from '@steptrail/domain';
import { ReconcileLoop } from '@steptrail/runtime';
import { createLogger } from '@steptrail/runtime/logger';

/** How often the loop passes: the API's and the worker's default `RECONCILE_INTERVAL_MS`. */
const INTERVAL_MS = 250;

export interface OverheadFigures {
  /** Events per second over all segments of each mode, and the segments' count. */
  off: { events: number; seconds: number; perSecond: number };
  on: { events: number; seconds: number; perSecond: number };
  segments: number;
  writers: number;
  /** How much slower writes were with the reconciler on, in percent (negative: noise in its favour). */
  overheadPercent: number;
}

export interface OverheadPlan {
  store: Store;
  /** Fresh files for one segment, each with the events to report, split among the writers. */
  nextSegment: () => Promise<Array<Array<{ fileId: number; stepName: string; status: string }>>>;
  /** Segments per mode; the order flips every pair (off, on, on, off, off, on, ...). */
  segments: number;
}

/** Runs the alternating segments; the reconciler of each `on` segment is a fresh loop, as after a restart. */
export async function measureReconcilerOverhead(plan: OverheadPlan): Promise<OverheadFigures> {
  const tracker = new StepTracker({ unitOfWork: plan.store.unitOfWork, clock: systemClock });
  const catchUp = new RollupReconciler({
    unitOfWork: plan.store.unitOfWork,
    reads: plan.store.reads,
    clock: systemClock,
  });
  const caughtUp = async () => {
    let pass = await catchUp.runOnce('bench-catch-up');
    while (pass.more) pass = await catchUp.runOnce('bench-catch-up');
    await catchUp.release('bench-catch-up');
  };
  const logger = createLogger({ level: 'warn', service: 'bench-reconciler' });
  const totals = { off: { events: 0, seconds: 0 }, on: { events: 0, seconds: 0 } };
  let writers = 0;
  for (let pair = 0; pair < plan.segments; pair += 1) {
    const order: Array<'off' | 'on'> = pair % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
    for (const mode of order) {
      const work = await plan.nextSegment();
      writers = work.length;
      if (mode === 'on') await caughtUp();
      const loop =
        mode === 'on'
          ? new ReconcileLoop(plan.store, systemClock, logger, { intervalMs: INTERVAL_MS, owner: 'bench' })
          : null;
      loop?.start();
      const started = performance.now();
      try {
        await Promise.all(
          work.map(async (events) => {
            for (const event of events) {
              const result = await tracker.updateStepStatus(event.fileId, event.stepName, event.status);
              if (!result.ok) throw new Error(`in-process event refused: ${result.error.message}`);
            }
          }),
        );
      } finally {
        totals[mode].seconds += (performance.now() - started) / 1000;
        await loop?.stop();
      }
      totals[mode].events += work.reduce((sum, events) => sum + events.length, 0);
    }
  }
  const rate = (mode: 'off' | 'on') => ({
    ...totals[mode],
    perSecond: totals[mode].events / totals[mode].seconds,
  });
  const off = rate('off');
  const on = rate('on');
  return {
    off,
    on,
    segments: plan.segments,
    writers,
    overheadPercent: (off.perSecond / on.perSecond - 1) * 100,
  };
}
