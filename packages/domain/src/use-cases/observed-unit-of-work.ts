import type { ChangeSink, StepChangeReport, StepObserver } from '../ports/step-observer.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';

/**
 * A unit of work whose transactions report their step changes to `observer` after they commit: a rolled-back or
 * retried attempt reports nothing (docs/architecture.md#metrics).
 */
export function observedUnitOfWork(inner: UnitOfWork, observer: StepObserver): UnitOfWork {
  return {
    transaction: async (work) => {
      let changes: StepChangeReport[] = [];
      const result = await inner.transaction((repos) => {
        // A retried attempt starts over: only the attempt that commits counts.
        changes = [];
        const sink: ChangeSink = { record: (change) => void changes.push(change) };
        return work({ ...repos, changes: sink });
      });
      if (changes.length > 0) observer.committed(changes);
      return result;
    },
  };
}
