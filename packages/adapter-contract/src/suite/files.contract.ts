import {
  decodeWorkflow,
  OVERALL_STATUSES,
  overallStatusOf,
  PENDING_ROLLUP,
  type FileRollup,
} from '@steptrail/domain';
import { describe, expect, it } from 'vitest';
import type { ContractTopic } from './context.js';
import {
  at,
  ManualClock,
  newestFileId,
  newFile,
  uniqueTag,
  unwrap,
  useCases,
  workflowOf,
} from './fixtures.js';
import { dateOf, iso, rollupView, storedFile, textOf } from './raw-rows.js';

const failedRollup: FileRollup = {
  status: 'failed',
  hasErrors: true,
  totalSteps: 4,
  completedSteps: 1,
  failedSteps: 2,
  inProgressSteps: 0,
  skippedSteps: 1,
  lastStep: 'extract_text',
  statusChangedAt: at(12.345),
};

export const filesTopic: ContractTopic = (context) => {
  describe('files', () => {
    it('create stores the file with its workflow snapshot, managed flag and a pending rollup', async () => {
      const tag = uniqueTag();
      const workflow = workflowOf('contract-files', ['hash_file', 'extract_text']);
      const created = await context.store().reads.files.create(newFile(tag, { workflow, managed: true }));

      expect(created).toMatchObject({ filehash: `hash-${tag}`, workflow, managed: true, isDuplicate: false });
      expect(created.rollup).toEqual(PENDING_ROLLUP);
      expect(await context.store().reads.files.get(created.id)).toEqual(created);
      const row = await context.raw().fileRow(created.id);
      expect(row).toMatchObject({
        id: created.id,
        filehash: `hash-${tag}`,
        original_filename: `${tag}-invoice.pdf`,
        local_filename: `/data/${tag}.pdf`,
        file_size: 2048,
        mime_type: 'application/pdf',
        is_duplicate: false,
        duplicate_of_id: null,
        managed: true,
        last_step: null,
        status_changed_at: null,
      });
      const stored = await storedFile(context.raw(), created.id);
      expect(rollupView(stored)).toEqual(overallStatusOf(PENDING_ROLLUP));
      expect(dateOf(stored, 'created_at')).toBeInstanceOf(Date);
      expect(decodeWorkflow(textOf(stored, 'workflow'))).toEqual(workflow);
    });

    it('get answers null and getMany skips ids that do not exist, ascending by id', async () => {
      const files = context.store().reads.files;
      const first = await files.create(newFile(uniqueTag()));
      const second = await files.create(newFile(uniqueTag(), { managed: true }));
      const missing = (await newestFileId(context.store())) + 1_000_000;

      expect(await files.get(missing)).toBeNull();
      const many = await files.getMany([second.id, missing, first.id, second.id]);
      expect(many.map((file) => file.id)).toEqual([first.id, second.id]);
      expect(await files.getMany([])).toEqual([]);
    });

    it('rollupSources gives the rollup inputs of the files that exist, ascending, for a range or a list of ids', async () => {
      const files = context.store().reads.files;
      const workflow = workflowOf('contract-rollup-sources', ['hash_file']);
      const first = await files.create(newFile(uniqueTag(), { workflow }));
      const second = await files.create(newFile(uniqueTag()));
      const third = await files.create(newFile(uniqueTag()));
      await files.saveRollup(second.id, failedRollup);
      await files.setDuplicate(third.id, true, first.id);
      const missing = (await newestFileId(context.store())) + 1_000_000;
      const expected = (await files.getMany([first.id, second.id, third.id])).map(
        ({ id, isDuplicate, managed, workflow: snapshot, rollup }) => ({
          id,
          isDuplicate,
          managed,
          workflow: snapshot,
          rollup,
        }),
      );

      expect(expected.map((file) => file.rollup.status)).toEqual(['pending', 'failed', 'pending']);
      expect(expected[0]?.workflow).toEqual(workflow);
      expect(expected[2]?.isDuplicate).toBe(true);
      expect(await files.rollupSources([third.id, first.id, second.id])).toEqual(expected);
      expect(await files.rollupSources([third.id, missing, first.id, third.id])).toEqual([
        expected[0],
        expected[2],
      ]);
      expect(await files.rollupSources([])).toEqual([]);
    });

    it('lock returns the file inside a transaction and null for an unknown id', async () => {
      const created = await context.store().reads.files.create(newFile(uniqueTag()));
      const missing = created.id + 1_000_000;
      const [locked, absent] = await context
        .store()
        .unitOfWork.transaction(async (repos) => [
          await repos.files.lock(created.id),
          await repos.files.lock(missing),
        ]);
      expect(locked).toEqual(created);
      expect(absent).toBeNull();
    });

    it('list returns files newest first and pages with nextBeforeId, which is null on the last page', async () => {
      const tag = uniqueTag();
      const ids: number[] = [];
      for (let index = 0; index < 5; index += 1)
        ids.push((await context.store().reads.files.create(newFile(tag))).id);
      const newestFirst = [...ids].reverse();
      const files = context.store().reads.files;

      const first = await files.list({ search: tag, limit: 2 });
      expect(first.items.map((file) => file.id)).toEqual(newestFirst.slice(0, 2));
      expect(first.nextBeforeId).toBe(newestFirst[1]);
      const second = await files.list({ search: tag, limit: 2, beforeId: first.nextBeforeId ?? 0 });
      expect(second.items.map((file) => file.id)).toEqual(newestFirst.slice(2, 4));
      const last = await files.list({ search: tag, limit: 2, beforeId: second.nextBeforeId ?? 0 });
      expect(last.items.map((file) => file.id)).toEqual(newestFirst.slice(4));
      expect(last.nextBeforeId).toBeNull();
      const exact = await files.list({ search: tag, limit: 5 });
      expect(exact.items).toHaveLength(5);
      expect(exact.nextBeforeId).toBeNull();
    });

    it('list filters on the stored rollup status and searches the original filename case-insensitively', async () => {
      const tag = uniqueTag();
      const files = context.store().reads.files;
      const failed = await files.create(
        newFile(tag, { originalFilename: `Report-${tag.toUpperCase()}.PDF` }),
      );
      const pending = await files.create(newFile(tag));
      await files.create(newFile(uniqueTag()));
      await files.saveRollup(failed.id, failedRollup);

      const bySearch = await files.list({ search: tag, limit: 10 });
      expect(bySearch.items.map((file) => file.id)).toEqual([pending.id, failed.id]);
      const failedOnly = await files.list({ search: tag.toUpperCase(), status: 'failed', limit: 10 });
      expect(failedOnly.items.map((file) => file.id)).toEqual([failed.id]);
      expect(failedOnly.items[0]?.rollup).toEqual(failedRollup);
      const pendingOnly = await files.list({ search: tag, status: 'pending', limit: 10 });
      expect(pendingOnly.items.map((file) => file.id)).toEqual([pending.id]);
    });

    it('search treats % and _ in the search text literally', async () => {
      const tag = uniqueTag();
      const files = context.store().reads.files;
      const literal = await files.create(newFile(tag, { originalFilename: `${tag}_a%b.pdf` }));
      await files.create(newFile(tag, { originalFilename: `${tag}xaxxb.pdf` }));
      const page = await files.list({ search: `${tag}_a%b`, limit: 10 });
      expect(page.items.map((file) => file.id)).toEqual([literal.id]);
    });

    it('countByStatus reports every overall status, counts a file under its rollup status and a deleted file nowhere', async () => {
      const files = context.store().reads.files;
      const before = await files.countByStatus();
      expect(Object.keys(before).sort()).toEqual([...OVERALL_STATUSES].sort());
      const created = await files.create(newFile(uniqueTag()));
      const afterCreate = await files.countByStatus();
      expect(afterCreate.pending - before.pending).toBe(1);
      await files.saveRollup(created.id, failedRollup);
      const after = await files.countByStatus();
      expect({ pending: after.pending - before.pending, failed: after.failed - before.failed }).toEqual({
        pending: 0,
        failed: 1,
      });
      expect(await files.delete(created.id)).toBe(true);
      const afterDelete = await files.countByStatus();
      expect({
        pending: afterDelete.pending - before.pending,
        failed: afterDelete.failed - before.failed,
      }).toEqual({
        pending: 0,
        failed: 0,
      });
    });

    it('delete hides the file from every read and leaves its row as a tombstone, removes its step rows and keeps its logs; a second delete answers false', async () => {
      const clock = new ManualClock();
      const { tracker } = useCases(context.store(), clock);
      const file = await tracker.registerFile(newFile(uniqueTag()));
      unwrap(await tracker.updateStepStatus(file.id, 'hash_file', 'success'));
      const logsBefore = await context.raw().logRows(file.id);

      expect(await context.store().reads.files.delete(file.id)).toBe(true);
      expect(await context.store().reads.files.get(file.id)).toBeNull();
      expect(await context.store().reads.files.getMany([file.id])).toEqual([]);
      expect((await context.raw().fileRow(file.id))?.deleted_at).toBeInstanceOf(Date);
      expect(await context.raw().stepRows(file.id)).toEqual([]);
      expect(await context.raw().logRows(file.id)).toEqual(logsBefore);
      expect(logsBefore).toHaveLength(1);
      expect(await context.store().reads.files.delete(file.id)).toBe(false);
    });

    it('findOriginal returns the oldest non-duplicate file with the hash, never the excluded one', async () => {
      const tag = uniqueTag();
      const files = context.store().reads.files;
      const oldest = await files.create(newFile(tag));
      const middle = await files.create(newFile(tag));
      const newest = await files.create(newFile(tag));

      expect((await files.findOriginal(`hash-${tag}`, newest.id))?.id).toBe(oldest.id);
      expect((await files.findOriginal(`hash-${tag}`, oldest.id))?.id).toBe(middle.id);
      await files.setDuplicate(oldest.id, true, null);
      expect((await files.findOriginal(`hash-${tag}`, newest.id))?.id).toBe(middle.id);
      expect(await files.findOriginal(`hash-${uniqueTag()}`, 0)).toBeNull();
    });

    it('setDuplicate stores the duplicate mark and its original, and clears both', async () => {
      const tag = uniqueTag();
      const files = context.store().reads.files;
      const original = await files.create(newFile(tag));
      const copy = await files.create(newFile(tag));

      await files.setDuplicate(copy.id, true, original.id);
      const marked = await context.raw().fileRow(copy.id);
      expect(marked).toMatchObject({ is_duplicate: true, duplicate_of_id: original.id });
      expect(await files.get(copy.id)).toMatchObject({ isDuplicate: true, duplicateOfId: original.id });
      await files.setDuplicate(copy.id, false, null);
      expect(await context.raw().fileRow(copy.id)).toMatchObject({
        is_duplicate: false,
        duplicate_of_id: null,
      });
    });

    it('saveRollup and saveRollups store every rollup column, statusChangedAt to the millisecond', async () => {
      const files = context.store().reads.files;
      const one = await files.create(newFile(uniqueTag()));
      const two = await files.create(newFile(uniqueTag()));
      const three = await files.create(newFile(uniqueTag()));
      const four = await files.create(newFile(uniqueTag()));
      const cleared: FileRollup = { ...failedRollup, lastStep: null, statusChangedAt: null };
      const processing: FileRollup = {
        ...PENDING_ROLLUP,
        status: 'processing',
        totalSteps: 8,
        inProgressSteps: 1,
        lastStep: 'hash_file',
        statusChangedAt: at(1.007),
      };
      await files.saveRollup(one.id, failedRollup);
      await files.saveRollups(
        new Map([
          [two.id, processing],
          [three.id, failedRollup],
          [four.id, failedRollup],
        ]),
      );
      // Back to nulls and false: a list of rows carries them as it carries values.
      await files.saveRollups(
        new Map([
          [three.id, PENDING_ROLLUP],
          [four.id, cleared],
        ]),
      );

      for (const [id, rollup] of [
        [one.id, failedRollup],
        [two.id, processing],
        [three.id, PENDING_ROLLUP],
        [four.id, cleared],
      ] as const) {
        const row = await storedFile(context.raw(), id);
        expect(rollupView(row)).toEqual(overallStatusOf(rollup));
        expect(textOf(row, 'last_step')).toBe(rollup.lastStep);
        expect(iso(dateOf(row, 'status_changed_at'))).toBe(iso(rollup.statusChangedAt));
        expect((await files.get(id))?.rollup).toEqual(rollup);
      }
    });

    it('listAfter returns the files above an id, ascending, at most limit of them', async () => {
      const files = context.store().reads.files;
      const a = await files.create(newFile(uniqueTag()));
      const b = await files.create(newFile(uniqueTag()));
      const c = await files.create(newFile(uniqueTag()));
      const mine = new Set([a.id, b.id, c.id]);

      const limited = (await files.listAfter(a.id - 1, 2)).map((file) => file.id);
      expect(limited).toHaveLength(2);
      expect(limited[0]).toBe(a.id);
      const all = (await files.listAfter(a.id - 1, 1000)).map((file) => file.id);
      expect(all).toEqual([...all].sort((x, y) => x - y));
      expect(all.filter((id) => mine.has(id))).toEqual([a.id, b.id, c.id]);
      expect((await files.listAfter(b.id, 1000)).map((file) => file.id)).not.toContain(b.id);
    });
  });
};
