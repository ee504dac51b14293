import type { LogEntry, NewLogEntry } from '@steptrail/domain';
import { describe, expect, it } from 'vitest';
import type { ContractTopic } from './context.js';
import { at, newFile, uniqueTag } from './fixtures.js';
import { logEntryOf } from './raw-rows.js';

const entry = (
  fileId: number | null,
  stepName: string | null,
  seconds: number,
  status = 'in_progress',
): NewLogEntry => ({
  fileId,
  stepName,
  status,
  taskId: null,
  message: null,
  detail: null,
  occurredAt: at(seconds),
});

const ids = (logs: readonly LogEntry[]): number[] => logs.map((log) => log.id);

export const logsTopic: ContractTopic = (context) => {
  const newFileId = async () => (await context.store().reads.files.create(newFile(uniqueTag()))).id;
  /** Appends in order: 5.000, 3.000, 5.000, 3.000, so id order and time order disagree and times tie. */
  const appendTies = async (fileId: number, stepName: string) => {
    const logs = context.store().reads.logs;
    const late1 = await logs.append(entry(fileId, stepName, 5));
    const early1 = await logs.append(entry(fileId, stepName, 3, 'success'));
    const late2 = await logs.append(entry(fileId, stepName, 5, 'failure'));
    const early2 = await logs.append(entry(fileId, stepName, 3, 'pending'));
    return [early1, early2, late1, late2];
  };

  describe('logs', () => {
    it('append stores every field and returns the row with a new, increasing id', async () => {
      const fileId = await newFileId();
      const logs = context.store().reads.logs;
      const first = await logs.append({
        fileId,
        stepName: 'extract_text',
        status: 'failure',
        taskId: 'celery-42',
        message: 'OCR failed: ünïcødé',
        detail: 'Traceback (most recent call last):\n  ...',
        occurredAt: at(1.234),
      });
      const second = await logs.append(entry(fileId, null, 2, 'note'));

      expect(second.id).toBeGreaterThan(first.id);
      const rows = await context.raw().logRows(fileId);
      expect(rows.map(logEntryOf)).toEqual([first, second]);
      expect(rows[0]).toMatchObject({
        task_id: 'celery-42',
        step_name: 'extract_text',
        status: 'failure',
        file_id: fileId,
      });
      expect(first.occurredAt.toISOString()).toBe(at(1.234).toISOString());
    });

    it('listForStep returns only that step, in (occurredAt, id) order with same-millisecond ties by id', async () => {
      const fileId = await newFileId();
      const expected = await appendTies(fileId, 'check_text');
      await context.store().reads.logs.append(entry(fileId, 'hash_file', 4));
      await context.store().reads.logs.append(entry(await newFileId(), 'check_text', 4));

      expect(ids(await context.store().reads.logs.listForStep(fileId, 'check_text'))).toEqual(ids(expected));
      expect(await context.store().reads.logs.listForStep(fileId, 'extract_text')).toEqual([]);
    });

    it('listForFiles orders by file id, then (occurredAt, id), and leaves other files out', async () => {
      const first = await newFileId();
      const second = await newFileId();
      const other = await newFileId();
      const secondLogs = await appendTies(second, 'hash_file');
      const firstLogs = await appendTies(first, 'check_text');
      await context.store().reads.logs.append(entry(other, 'hash_file', 1));

      const listed = await context.store().reads.logs.listForFiles([second, first]);
      expect(ids(listed)).toEqual([...ids(firstLogs), ...ids(secondLogs)]);
      expect(await context.store().reads.logs.listForFiles([])).toEqual([]);
    });

    it('page walks a file history in (occurredAt, id) order across pages that split a same-millisecond tie', async () => {
      const fileId = await newFileId();
      const ordered = [...(await appendTies(fileId, 'hash_file'))];
      ordered.push(await context.store().reads.logs.append(entry(fileId, null, 6, 'note')));
      const logs = context.store().reads.logs;

      const first = await logs.page(fileId, 3, null);
      expect(ids(first.items)).toEqual(ids(ordered.slice(0, 3)));
      expect(first.next).toEqual({ occurredAt: ordered[2]?.occurredAt, id: ordered[2]?.id });
      const second = await logs.page(fileId, 3, first.next);
      expect(ids(second.items)).toEqual(ids(ordered.slice(3)));
      expect(second.next).toBeNull();
      const exact = await logs.page(fileId, 5, null);
      expect(exact.items).toHaveLength(5);
      expect(exact.next).toBeNull();
      const afterTie = await logs.page(fileId, 10, { occurredAt: at(3), id: ordered[0]?.id ?? 0 });
      expect(ids(afterTie.items)).toEqual(ids(ordered.slice(1)));
    });

    it('page continues exactly after the last row of the page before when legacy rows carry microseconds', async () => {
      const fileId = await newFileId();
      const legacy = (microseconds: number, status: string) => ({
        fileId,
        stepName: 'hash_file',
        status,
        timestamp: at(7.123),
        microseconds,
      });
      // Three rows inside one millisecond (in time order, as ids run), then one a millisecond later.
      await context
        .raw()
        .insertLegacyLogs([
          legacy(100, 'in_progress'),
          legacy(200, 'failure'),
          legacy(300, 'pending'),
          { ...legacy(0, 'success'), timestamp: at(7.124) },
        ]);
      const stored = (await context.raw().logRows(fileId)).map(logEntryOf);
      const logs = context.store().reads.logs;

      for (const limit of [1, 2, 3]) {
        const walked: number[] = [];
        let page = await logs.page(fileId, limit, null);
        walked.push(...ids(page.items));
        for (let pages = 1; page.next !== null && pages <= stored.length; pages += 1) {
          page = await logs.page(fileId, limit, page.next);
          walked.push(...ids(page.items));
        }
        expect({ limit, walked }).toEqual({ limit, walked: ids(stored) });
      }
    });

    it('listSince returns rows above an id in id order, at most limit, and maxId is the newest id', async () => {
      const logs = context.store().reads.logs;
      const before = await logs.maxId();
      const fileId = await newFileId();
      const appended = [
        await logs.append(entry(fileId, 'hash_file', 9)),
        await logs.append(entry(fileId, 'hash_file', 1)),
        await logs.append(entry(fileId, 'hash_file', 5)),
      ];

      const since = await logs.listSince(before, 1000);
      expect(since.every((log) => log.id > before)).toBe(true);
      expect(ids(since)).toEqual([...ids(since)].sort((a, b) => a - b));
      expect(ids(since.filter((log) => log.fileId === fileId))).toEqual(ids(appended));
      const limited = await logs.listSince(before, 2);
      expect(limited).toHaveLength(2);
      expect(ids(limited)).toEqual(ids(since.slice(0, 2)));
      const max = await logs.maxId();
      expect(max).toBeGreaterThanOrEqual(appended[2]?.id ?? Number.POSITIVE_INFINITY);
      expect(await logs.listSince(max, 10)).toEqual([]);
    });

    it('a task-level row has a null file id: it is stored, counted and listed, never attached to a file', async () => {
      const logs = context.store().reads.logs;
      const countBefore = await context.raw().countTaskLevelLogs();
      const before = await logs.maxId();
      const taskId = `task-${uniqueTag()}`;
      const row = await logs.append({ ...entry(null, 'poll_task', 1, 'in_progress'), taskId });

      expect(row.fileId).toBeNull();
      expect(await context.raw().countTaskLevelLogs()).toBe(countBefore + 1);
      const listed = (await logs.listSince(before, 1000)).filter((log) => log.taskId === taskId);
      expect(listed).toEqual([row]);
    });
  });
};
