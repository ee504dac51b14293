/**
 * How many of `rows` (ascending ids above `cursor`) a change feed may deliver now.
 *
 * On databases with concurrent writers ids are taken at insert and become visible at commit, so id 11 can be
 * visible while id 10 is still in flight; a cursor that jumped to 11 would lose 10 for good. A row is therefore
 * delivered when it follows the cursor without a gap, or when its id is at most `settledId`: the highest id that
 * was already visible long enough ago that every lower id has committed or rolled back since.
 */
export function deliverableCount(rows: readonly { id: number }[], cursor: number, settledId: number): number {
  let position = cursor;
  let count = 0;
  for (const row of rows) {
    if (row.id <= position)
      throw new Error(`change feed rows must ascend above the cursor ${position}, got ${row.id}`);
    if (row.id !== position + 1 && row.id > settledId) break;
    position = row.id;
    count += 1;
  }
  return count;
}

/** Remembers when the highest log id was seen, to tell which ids are settled (see deliverableCount). */
export class SettledWatermark {
  private samples: Array<{ maxId: number; at: number }> = [];

  constructor(private readonly graceMs: number) {}

  observe(maxId: number, at: number): void {
    this.samples.push({ maxId, at });
    // Keep the newest sample that is already old enough, and everything younger.
    const settledIndex = this.samples.findLastIndex((sample) => sample.at <= at - this.graceMs);
    if (settledIndex > 0) this.samples = this.samples.slice(settledIndex);
  }

  /** The highest id seen at least `graceMs` before `now` (everything seen, when the grace is zero). */
  settledId(now: number): number {
    let settled = 0;
    for (const sample of this.samples) {
      if (sample.at <= now - this.graceMs) settled = Math.max(settled, sample.maxId);
    }
    return settled;
  }
}
