import { describe, expect, it } from 'vitest';
import { advanceCursor, emptyCursor, filesToCheck, type FeedRow } from '../src/index.js';

const rules = { openForMs: 1000, recentForMs: 500, maxOpen: 10, maxRecent: 10 };
const log = (id: number, fileId: number | null = 1): FeedRow => ({ table: 'logs', id, fileId });

describe('advanceCursor', () => {
  it('moves each mark to the highest id found in its table', () => {
    const next = advanceCursor(
      emptyCursor(),
      [log(1), log(2), { table: 'steps', id: 7, fileId: 3 }],
      [],
      0,
      rules,
    );
    expect(next.marks).toEqual({ logs: 2, steps: 7, files: 0 });
  });

  it('keeps the ids a mark skipped open, and closes them when they are found later', () => {
    const first = advanceCursor(emptyCursor(), [log(1), log(4)], [], 0, rules);
    expect(first.open).toEqual([
      { table: 'logs', id: 2, since: 0 },
      { table: 'logs', id: 3, since: 0 },
    ]);
    const second = advanceCursor(first, [log(3, 9)], [], 100, rules);
    expect(second.open).toEqual([{ table: 'logs', id: 2, since: 0 }]);
    expect(second.marks.logs).toBe(4);
  });

  it("keeps no gap of the step table open: steptrail's own step upserts burn an id each on PostgreSQL and MariaDB", () => {
    const next = advanceCursor(
      emptyCursor(),
      [{ table: 'steps', id: 2, fileId: 1 }, { table: 'steps', id: 4, fileId: 1 }, log(1), log(3)],
      [],
      0,
      { ...rules, gapTables: ['logs', 'files'] },
    );
    expect(next.marks).toMatchObject({ steps: 4, logs: 3 });
    expect(next.open).toEqual([{ table: 'logs', id: 2, since: 0 }]);
  });

  it('gives an open id up once it is older than openForMs (its transaction rolled back)', () => {
    const first = advanceCursor(emptyCursor(), [log(1), log(3)], [], 0, rules);
    expect(advanceCursor(first, [], [], 1001, rules).open).toEqual([]);
  });

  it('keeps files whose rollup changed, and new files, recent for recentForMs', () => {
    const next = advanceCursor(emptyCursor(), [{ table: 'files', id: 5, fileId: 5 }], [8], 0, rules);
    expect(next.recent).toEqual([
      { fileId: 8, until: 500 },
      { fileId: 5, until: 500 },
    ]);
    expect(filesToCheck(next, [], 400)).toEqual([5, 8]);
    expect(filesToCheck(next, [], 501)).toEqual([]);
    expect(advanceCursor(next, [], [], 501, rules).recent).toEqual([]);
  });

  it('does not watch a file steptrail registered itself: its own writes keep the rollup exact', () => {
    const next = advanceCursor(
      emptyCursor(),
      [
        { table: 'files', id: 5, fileId: 5, registeredBySteptrail: true },
        { table: 'files', id: 6, fileId: 6, registeredBySteptrail: false },
      ],
      [],
      0,
      rules,
    );
    expect(next.recent).toEqual([{ fileId: 6, until: 500 }]);
    expect(next.marks.files).toBe(6);
  });

  it('checks the files of the rows found, never a task-level row', () => {
    expect(filesToCheck(emptyCursor(), [log(1, 4), log(2, null), log(3, 4)], 0)).toEqual([4]);
  });

  it('bounds the open ids, keeping the newest', () => {
    const next = advanceCursor(emptyCursor(), [log(1), log(100)], [], 0, rules);
    expect(next.open).toHaveLength(10);
  });
});
