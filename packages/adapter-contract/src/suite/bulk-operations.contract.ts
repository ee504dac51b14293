import { BulkOperations, type BulkOperation, type FileRecord, type Store } from '@steptrail/domain';
import { describe, expect, it } from 'vitest';
import type { ContractTopic } from './context.js';
import { at, ManualClock, newFile, uniqueTag, unwrap, useCases } from './fixtures.js';

const clock = new ManualClock(at(0));
const bulkOf = (store: Store) =>
  new BulkOperations({ unitOfWork: store.unitOfWork, reads: store.reads, clock });

/** Files of one tag, `failed` of them with a failed extract_text, the rest pending. */
async function filesOf(store: Store, failed: number, pending: number) {
  const tag = uniqueTag();
  const { tracker } = useCases(store, clock);
  const files: FileRecord[] = [];
  for (let index = 0; index < failed + pending; index += 1) {
    const file = await tracker.registerFile(newFile(tag));
    if (index < failed) {
      unwrap(
        await tracker.updateStepStatus(file.id, 'extract_text', 'failure', {
          errorMessage: `OCR 50${index % 2}`,
        }),
      );
    }
    files.push(file);
  }
  return { tag, failed: files.slice(0, failed), pending: files.slice(failed) };
}

/** Runs chunks (through these stores, side by side) until the operation is completed. */
async function runToEnd(
  stores: readonly Store[],
  operationId: number,
  chunkSize: number,
): Promise<BulkOperation> {
  for (let round = 0; round < 500; round += 1) {
    await Promise.all(stores.map((store) => bulkOf(store).runChunk(chunkSize)));
    const operation = unwrap(await bulkOf(stores[0] as Store).get(operationId));
    if (operation.state === 'completed') return operation;
  }
  throw new Error(`bulk operation ${operationId} did not complete`);
}

const countOf = (logs: ReadonlyArray<{ message: string | null }>, text: string) =>
  logs.filter((log) => log.message?.includes(text) === true).length;

export const bulkOperationsTopic: ContractTopic = (context) => {
  const { concurrentWriters, concurrencyNote } = context.backend.capabilities;
  const through = concurrentWriters
    ? 'through two stores at once'
    : `through one store, since ${concurrencyNote}`;

  describe('bulk operations', () => {
    it('a preview counts the retryable files and samples the newest, and writes nothing', async () => {
      const store = context.store();
      const { tag, failed } = await filesOf(store, 3, 2);
      const running = await store.reads.bulk.running(1000);
      const preview = await bulkOf(store).preview('retry', { search: tag }, 2);
      expect(preview).toEqual({
        matched: 3,
        tooMany: false,
        sampleFileIds: [failed[2]?.id, failed[1]?.id],
      });
      expect(await bulkOf(store).preview('delete', { search: tag, errorText: 'ocr 501' }, 5)).toEqual({
        matched: 1,
        tooMany: false,
        sampleFileIds: [failed[1]?.id],
      });
      expect(await store.reads.bulk.running(1000)).toEqual(running);
    });

    it(`a bulk retry re-queues each matching failed step exactly once, chunk by chunk (${through})`, async () => {
      const store = context.store();
      const stores = concurrentWriters ? [store, context.secondStore()] : [store];
      const { tag, failed, pending } = await filesOf(store, 12, 2);
      const operation = unwrap(await bulkOf(store).start('retry', { search: tag }, 'ops'));
      expect(operation).toMatchObject({
        kind: 'retry',
        state: 'running',
        total: 12,
        done: 0,
        createdBy: 'ops',
      });

      const finished = await runToEnd(stores, operation.id, 5);
      expect(finished).toMatchObject({ state: 'completed', total: 12, done: 12, skipped: 0 });
      expect(await bulkOf(store).runChunk(5)).toBeNull();
      const results = await store.reads.bulk.results(operation.id, 0, 100);
      expect(results.map((result) => [result.fileId, result.outcome, result.detail])).toEqual(
        failed.map((file) => [file.id, 'retried', 'extract_text']),
      );
      const logs = await store.reads.logs.listForFiles([...failed, ...pending].map((file) => file.id));
      for (const file of failed) {
        const own = logs.filter((log) => log.fileId === file.id);
        expect(countOf(own, `Bulk retry operation ${operation.id} (requested by token "ops")`)).toBe(1);
        expect(countOf(own, `Re-queued for retry by bulk operation ${operation.id}`)).toBe(1);
        expect((await store.reads.steps.get(file.id, 'extract_text'))?.status).toBe('pending');
      }
      expect(
        logs.filter((log) => pending.some((file) => file.id === log.fileId) && log.message !== null),
      ).toEqual([]);
    });

    it('a file fixed before its chunk ran is skipped with the reason, and the operation still completes', async () => {
      const store = context.store();
      const { tag, failed } = await filesOf(store, 2, 0);
      const operation = unwrap(
        await bulkOf(store).start('retry', { search: tag, failedStep: 'extract_text' }, null),
      );
      const [fixed, other] = failed as [FileRecord, FileRecord];
      unwrap(await useCases(store, clock).tracker.updateStepStatus(fixed.id, 'extract_text', 'success'));
      const finished = await runToEnd([store], operation.id, 10);
      expect(finished).toMatchObject({ done: 1, skipped: 1, createdBy: null });
      expect(await store.reads.bulk.results(operation.id, 0, 10)).toEqual([
        expect.objectContaining({
          fileId: fixed.id,
          outcome: 'skipped',
          detail: 'No failed step matches the filter any more.',
        }),
        expect.objectContaining({ fileId: other.id, outcome: 'retried' }),
      ]);
      const notes = (await store.reads.logs.listForFiles([other.id])).filter((log) => log.stepName === null);
      expect(notes.map((log) => log.message)).toContain(
        `Bulk retry operation ${operation.id} (requested by an unauthenticated loopback client): re-queued extract_text`,
      );
    });

    it('a bulk delete deletes each file once, keeps its history with a note, and skips files already gone', async () => {
      const store = context.store();
      const { tag, failed, pending } = await filesOf(store, 1, 2);
      // A newer file that stays: SQLite gives a deleted newest id to the next file, which would inherit its history.
      await store.reads.files.create(newFile(uniqueTag()));
      const operation = unwrap(await bulkOf(store).start('delete', { search: tag }, 'ops'));
      expect(operation.total).toBe(3);
      const [gone] = pending as [FileRecord];
      unwrap(await useCases(store, clock).tracker.deleteFile(gone.id));
      const finished = await runToEnd([store], operation.id, 2);
      expect(finished).toMatchObject({ done: 2, skipped: 1 });
      const ids = [...failed, ...pending].map((file) => file.id);
      expect(await store.reads.files.getMany(ids)).toEqual([]);
      const logs = await store.reads.logs.listForFiles(ids);
      expect(countOf(logs, `Bulk delete operation ${operation.id}`)).toBe(2);
      expect(logs.filter((log) => log.fileId === failed[0]?.id && log.status === 'failure')).toHaveLength(1);
    });
  });
};
