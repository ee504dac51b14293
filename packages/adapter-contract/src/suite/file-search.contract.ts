import {
  compareSortPositions,
  sortValue,
  type FileCursor,
  type FileListQuery,
  type FileRecord,
  type FileSort,
  type Store,
} from '@steptrail/domain';
import { describe, expect, it } from 'vitest';
import type { ContractTopic } from './context.js';
import { at, ManualClock, newFile, uniqueTag, unwrap, useCases } from './fixtures.js';

/** Every id the search gives, page after page of `limit`. */
async function allPages(store: Store, query: Omit<FileListQuery, 'limit' | 'after'>, limit: number) {
  const ids: number[] = [];
  let after: FileCursor | undefined;
  for (let page = 0; page < 50; page += 1) {
    const result = await store.reads.files.list({
      ...query,
      limit,
      ...(after === undefined ? {} : { after }),
    });
    ids.push(...result.items.map((file) => file.id));
    if (result.next === null) return ids;
    after = result.next;
  }
  throw new Error('the search never reached its last page');
}

/** The ids of `files` in the order `sort` asks for, by the domain's comparison. */
function expectedOrder(files: readonly FileRecord[], sort: FileSort): number[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...files]
    .sort(
      (a, b) =>
        sign *
        compareSortPositions(
          { value: sortValue(a, sort.key), id: a.id },
          { value: sortValue(b, sort.key), id: b.id },
        ),
    )
    .map((file) => file.id);
}

export const fileSearchTopic: ContractTopic = (context) => {
  describe('file search', () => {
    it('filters by several statuses, MIME type, hash prefix, failed step and error text, exactly', async () => {
      const store = context.store();
      const tag = uniqueTag();
      const { tracker } = useCases(store, new ManualClock(at(0)));
      const register = (overrides: Parameters<typeof newFile>[1]) =>
        tracker.registerFile(newFile(tag, overrides));
      const pdf = await register({ filehash: `ab12${tag}` });
      const png = await register({ filehash: `ab34${tag}`, mimeType: 'image/png' });
      const failedOcr = await register({ filehash: `cd12${tag}` });
      const failedHash = await register({ filehash: `cd34${tag}` });
      unwrap(
        await tracker.updateStepStatus(failedOcr.id, 'extract_text', 'failure', {
          errorMessage: 'OCR endpoint answered 503 Service Unavailable',
          occurredAt: at(1),
        }),
      );
      unwrap(
        await tracker.updateStepStatus(failedHash.id, 'hash_file', 'failure', {
          errorMessage: 'Disk full while hashing',
          occurredAt: at(1),
        }),
      );
      unwrap(await tracker.updateStepStatus(png.id, 'hash_file', 'in_progress', { occurredAt: at(1) }));
      const search = async (filter: Omit<FileListQuery, 'limit'>) =>
        (await store.reads.files.list({ search: tag, limit: 50, ...filter })).items.map((file) => file.id);

      expect(await search({})).toEqual([failedHash.id, failedOcr.id, png.id, pdf.id]);
      expect(await search({ statuses: ['failed', 'processing'] })).toEqual([
        failedHash.id,
        failedOcr.id,
        png.id,
      ]);
      expect(await search({ statuses: ['pending'] })).toEqual([pdf.id]);
      expect(await search({ statuses: [] })).toEqual([]);
      expect(await search({ mimeType: 'image/png' })).toEqual([png.id]);
      expect(await search({ hashPrefix: 'ab' })).toEqual([png.id, pdf.id]);
      expect(await search({ hashPrefix: 'cd3' })).toEqual([failedHash.id]);
      expect(await search({ hasFailedStep: true })).toEqual([failedHash.id, failedOcr.id]);
      expect(await search({ failedStep: 'extract_text' })).toEqual([failedOcr.id]);
      expect(await search({ errorText: 'SERVICE unavailable' })).toEqual([failedOcr.id]);
      expect(await search({ errorText: 'disk', failedStep: 'extract_text' })).toEqual([]);
      expect(await search({ errorText: '50_' })).toEqual([]);
      expect(await search({ ids: [pdf.id, failedHash.id, 2_000_000_000] })).toEqual([failedHash.id, pdf.id]);
      expect(await search({ statuses: ['failed'], hashPrefix: 'cd1', errorText: 'ocr' })).toEqual([
        failedOcr.id,
      ]);
    });

    it('filters by created and updated time ranges, from inclusive and before exclusive', async () => {
      const store = context.store();
      const tag = uniqueTag();
      const created: FileRecord[] = [];
      for (let index = 0; index < 4; index += 1) created.push(await store.reads.files.create(newFile(tag)));
      const stored = await store.reads.files.getMany(created.map((file) => file.id));
      const [first, , third] = stored;
      if (first === undefined || third === undefined) throw new Error('files missing');
      const inRange = stored
        .filter((file) => file.createdAt >= first.createdAt && file.createdAt < third.createdAt)
        .map((file) => file.id)
        .reverse();
      const page = await store.reads.files.list({
        search: tag,
        createdFrom: first.createdAt,
        createdBefore: third.createdAt,
        limit: 50,
      });
      expect(page.items.map((file) => file.id)).toEqual(inRange);
      const updated = await store.reads.files.list({ search: tag, updatedFrom: third.updatedAt, limit: 50 });
      expect(updated.items.map((file) => file.id)).toEqual(
        stored
          .filter((file) => file.updatedAt >= third.updatedAt)
          .map((file) => file.id)
          .reverse(),
      );
    });

    it('pages every order by keyset, each file once, in the order the domain defines', async () => {
      const store = context.store();
      const tag = uniqueTag();
      const ids: number[] = [];
      for (let index = 0; index < 7; index += 1) {
        ids.push((await store.reads.files.create(newFile(tag))).id);
        // Spread the creation times, so the order by time is not only the order by id.
        await new Promise((resolve) => setTimeout(resolve, index % 2 === 0 ? 3 : 0));
      }
      // Touch files in another order than they were created, so the updated order differs from the created one.
      const { tracker } = useCases(store, new ManualClock(at(0)));
      for (const id of [ids[3], ids[0], ids[5]]) {
        if (id !== undefined) unwrap(await tracker.updateStepStatus(id, 'hash_file', 'in_progress'));
      }
      const files = await store.reads.files.getMany(ids);
      for (const key of ['id', 'created', 'updated'] as const) {
        for (const direction of ['asc', 'desc'] as const) {
          const sort = { key, direction };
          expect(await allPages(store, { search: tag, sort }, 2), `${key} ${direction}`).toEqual(
            expectedOrder(files, sort),
          );
        }
      }
    });
  });
};
