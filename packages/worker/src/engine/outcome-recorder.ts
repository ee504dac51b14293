import type { AppliedEvent, Result, StepOutcome, StepRef, WorkClaims } from '@steptrail/domain';

/** Long enough for the outcomes of steps that end together to share a transaction, short next to any real step. */
export const OUTCOME_LINGER_MS = 3;

interface Waiting {
  ref: StepRef;
  outcome: StepOutcome;
  resolve(result: Result<AppliedEvent>): void;
  reject(error: unknown): void;
}

/**
 * Records the outcomes of finished steps together: the outcomes that arrive within `lingerMs` of the first one
 * (or until `maxBatch` wait) go to the database in one finishMany transaction, instead of one transaction each.
 * While a batch is being written, new outcomes wait for it and go in the next. Once told to hurry (shutdown),
 * it no longer lingers.
 */
export class OutcomeRecorder {
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private hurried = false;

  constructor(
    private readonly deps: { claims: WorkClaims; workerId: string; lingerMs: number; maxBatch: number },
  ) {}

  /** Records one outcome with the next batch; LEASE_LOST when the worker no longer holds the step. */
  record(ref: StepRef, outcome: StepOutcome): Promise<Result<AppliedEvent>> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ ref, outcome, resolve, reject });
      if (this.hurried || this.waiting.length >= this.deps.maxBatch) this.send();
      else this.timer ??= setTimeout(() => this.send(), this.deps.lingerMs);
    });
  }

  /** Stops lingering (shutdown): what waits is written now, and every later outcome at once. */
  async hurry(): Promise<void> {
    this.hurried = true;
    this.send();
    while (this.writing !== null) await this.writing;
  }

  private send(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.writing !== null || this.waiting.length === 0) return;
    const batch = this.waiting.splice(0, this.deps.maxBatch);
    this.writing = this.write(batch).finally(() => {
      this.writing = null;
      // Outcomes that arrived meanwhile have waited long enough.
      this.send();
    });
  }

  private async write(batch: readonly Waiting[]): Promise<void> {
    try {
      const results = await this.deps.claims.finishMany(
        this.deps.workerId,
        batch.map(({ ref, outcome }) => ({ ref, outcome })),
      );
      batch.forEach((waiting, index) => {
        const result = results[index];
        if (result === undefined)
          waiting.reject(new Error('finishMany returned fewer results than outcomes.'));
        else waiting.resolve(result);
      });
    } catch (error) {
      const [only] = batch;
      // The transaction wrote nothing. An outcome the database refuses must not fail the others with it: each is
      // tried once more on its own, and then its step runner retries it.
      if (only !== undefined && batch.length === 1) only.reject(error);
      else await Promise.all(batch.map((waiting) => this.write([waiting])));
    }
  }
}
