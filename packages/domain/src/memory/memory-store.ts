import type { Store } from '../ports/store.js';
import type { Repositories, UnitOfWork } from '../ports/unit-of-work.js';
import { WakeHub } from '../wake-hub.js';
import { memoryRepositories } from './memory-repositories.js';
import { cloneState, emptyMemoryState, type MemoryState } from './memory-state.js';

export type { MemoryState } from './memory-state.js';

/**
 * A complete in-process Store: transactions run one at a time on a copy of the state that replaces the committed
 * state only when the work resolves, so a throwing transaction leaves nothing behind.
 */
export class MemoryStore implements Store {
  private committed: MemoryState = emptyMemoryState();
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  readonly capabilities = { dialect: 'memory', concurrentWriters: false, pushNotifications: true };
  readonly reads: Repositories = memoryRepositories(
    () => this.committed,
    () => this.wake(),
  );

  readonly unitOfWork: UnitOfWork = {
    transaction: <T>(work: (repos: Repositories) => Promise<T>): Promise<T> => {
      const run = this.tail.then(() => this.runTransaction(work));
      this.tail = run.catch(() => undefined);
      return run;
    },
  };

  readonly workSignal = new WakeHub();

  /**
   * Runs `visit` on the committed state, in turn with transactions so it never interleaves with one. Only the
   * conformance suite's raw access uses it: to read rows as stored and to plant legacy rows no port can write.
   */
  inspect<T>(visit: (state: MemoryState) => T): Promise<T> {
    const run = this.tail.then(() => visit(this.committed));
    this.tail = run.catch(() => undefined);
    return run;
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('The in-memory store is closed.');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake();
  }

  private async runTransaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('The in-memory store is closed.');
    const working = cloneState(this.committed);
    let announced = false;
    const result = await work(
      memoryRepositories(
        () => working,
        () => (announced = true),
      ),
    );
    this.committed = working;
    if (announced) this.wake();
    return result;
  }

  private wake(): void {
    this.workSignal.wake();
  }
}
