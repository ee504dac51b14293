import {
  decodeRecordedEvent,
  isStoreError,
  type EventReceipt,
  type EventResult,
  type IncomingEvent,
} from '@steptrail/domain';
import { describe, expect, it } from 'vitest';
import type { ContractTopic } from './context.js';
import { at, errorCode, ManualClock, newFile, uniqueTag, unwrap, useCases } from './fixtures.js';
import { numberOf, textOf } from './raw-rows.js';

const DUPLICATES = 20;
const SLOW_TEST_MS = 120_000;

/** A result without its volatile parts, for exact comparisons. */
const shapeOf = (result: EventResult) =>
  result.result === 'refused'
    ? `refused:${result.reason}:${result.error.code}`
    : `${result.result}:${result.event.stepName}:${result.event.step.status}`;

/** Idempotent events and batches (docs/architecture.md#idempotent-events, #batched-events). */
export const eventReceiptsTopic: ContractTopic = (context) => {
  const { concurrentWriters, concurrencyNote } = context.backend.capabilities;
  const through = concurrentWriters ? 'through two stores' : `through one store, since ${concurrencyNote}`;
  const fresh = async (clock = new ManualClock(at(0))) => {
    const file = await context.store().reads.files.create(newFile(uniqueTag()));
    return { file, clock, ingestion: useCases(context.store(), clock).ingestion };
  };

  describe('event receipts', () => {
    it('an event with an id stores its receipt with its log row, and the receipt holds the first answer', async () => {
      const { file, ingestion } = await fresh();
      const event = { fileId: file.id, eventId: 'evt-1', stepName: 'hash_file', status: 'in_progress' };
      const first = unwrap(await ingestion.record(event));
      expect(first.duplicate).toBe(false);
      const logs = await context.raw().logRows(file.id);
      expect(logs).toHaveLength(1);
      const receipts = await context.raw().receiptRows(file.id);
      expect(receipts.map((row) => [textOf(row, 'event_id'), numberOf(row, 'log_id')])).toEqual([
        ['evt-1', numberOf(logs[0] ?? {}, 'id')],
      ]);
      expect(decodeRecordedEvent(textOf(receipts[0] ?? {}, 'outcome') ?? '')).toEqual(first.event);
      expect(first.event).toMatchObject({
        stepName: 'hash_file',
        step: { status: 'in_progress', attempts: 1 },
      });
      expect(first.event.counting).toEqual({ counts: true, reason: null });
    });

    it('a repeated event id writes nothing and answers exactly as the first time', async () => {
      const { file, clock, ingestion } = await fresh();
      const event = { fileId: file.id, eventId: 'evt-2', stepName: 'hash_file', status: 'in_progress' };
      const first = unwrap(await ingestion.record(event));
      clock.advance(5_000);
      const again = unwrap(await ingestion.record({ ...event, message: null }));
      expect(again).toEqual({ event: first.event, duplicate: true });
      expect(await context.raw().logRows(file.id)).toHaveLength(1);
      expect((await context.raw().stepRows(file.id)).map((row) => row.attempts)).toEqual([1]);
    });

    it('the same id with a different event is EVENT_ID_CONFLICT and writes nothing', async () => {
      const { file, ingestion } = await fresh();
      unwrap(
        await ingestion.record({
          fileId: file.id,
          eventId: 'evt-3',
          stepName: 'hash_file',
          status: 'success',
        }),
      );
      const before = await context.raw().logRows(file.id);
      const reused = await ingestion.record({
        fileId: file.id,
        eventId: 'evt-3',
        stepName: 'hash_file',
        status: 'failure',
        errorMessage: 'disk full',
      });
      expect(errorCode(reused)).toBe('EVENT_ID_CONFLICT');
      if (!reused.ok) expect(reused.error.message).toMatch(/already used for a different event/);
      expect(await context.raw().logRows(file.id)).toEqual(before);
      expect((await context.raw().stepRows(file.id)).map((row) => row.status)).toEqual(['success']);
    });

    it('event ids are per file and compared exactly, case included', async () => {
      const { file, ingestion } = await fresh();
      const other = await context.store().reads.files.create(newFile(uniqueTag()));
      const base = { stepName: 'hash_file', status: 'in_progress' };
      for (const [fileId, eventId] of [
        [file.id, 'Run-7'],
        [file.id, 'run-7'],
        [other.id, 'Run-7'],
      ] as const) {
        expect(unwrap(await ingestion.record({ ...base, fileId, eventId })).duplicate).toBe(false);
      }
      expect((await context.raw().receiptRows(file.id)).map((row) => row.event_id).sort()).toEqual([
        'Run-7',
        'run-7',
      ]);
      expect(await context.raw().receiptRows(other.id)).toHaveLength(1);
    });

    it('the unique key refuses a second receipt for one file and event id, and a rolled-back receipt is gone', async () => {
      const { file } = await fresh();
      const receipt = (eventId: string): EventReceipt => ({
        fileId: file.id,
        eventId,
        fingerprint: 'f',
        createdAt: at(1),
        outcome: {
          logId: 1,
          stepName: 'hash_file',
          step: { status: 'success', startedAt: at(0), completedAt: at(1), errorMessage: null, attempts: 1 },
          status: {
            status: 'pending',
            hasErrors: false,
            totalSteps: 1,
            completedSteps: 1,
            failedSteps: 0,
            inProgressSteps: 0,
            skippedSteps: 0,
          },
          counting: { counts: true, reason: null },
        },
      });
      const store = context.store();
      await store.unitOfWork.transaction((repos) => repos.receipts.record([receipt('k1')]));
      const refused = await store.unitOfWork
        .transaction((repos) => repos.receipts.record([receipt('k1')]))
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(isStoreError(refused, 'unique_violation')).toBe(true);
      await expect(
        store.unitOfWork.transaction(async (repos) => {
          await repos.receipts.record([receipt('k2')]);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      const found = await store.reads.receipts.find(file.id, ['k1', 'k2', 'k3']);
      expect(found).toEqual([receipt('k1')]);
    });

    it('deleting a file deletes its receipts with it', async () => {
      const { file, clock, ingestion } = await fresh();
      unwrap(
        await ingestion.record({
          fileId: file.id,
          eventId: 'gone',
          stepName: 'hash_file',
          status: 'success',
        }),
      );
      // A later file keeps the deleted id from being handed out again (SQLite reuses the highest), so the history
      // this deletion leaves behind never lands under another test's file.
      await context.store().reads.files.create(newFile(uniqueTag()));
      unwrap(await useCases(context.store(), clock).tracker.deleteFile(file.id));
      expect(await context.raw().receiptRows(file.id)).toEqual([]);
    });

    it(
      `${DUPLICATES} concurrent copies of one event write one log row and one attempt, and all get the same answer (${through})`,
      async () => {
        const { file, clock } = await fresh();
        const event = {
          fileId: file.id,
          eventId: 'retry-storm',
          stepName: 'extract_text',
          status: 'in_progress',
          taskId: 'celery-1',
        };
        const answers = await Promise.all(
          Array.from({ length: DUPLICATES }, (_, copy) => {
            const store = concurrentWriters && copy % 2 === 1 ? context.secondStore() : context.store();
            return useCases(store, clock).ingestion.record(event);
          }),
        );
        const events = answers.map((answer) => unwrap(answer));
        expect(events.filter((answer) => !answer.duplicate)).toHaveLength(1);
        for (const answer of events) expect(answer.event).toEqual(events[0]?.event);
        expect(await context.raw().logRows(file.id)).toHaveLength(1);
        expect((await context.raw().stepRows(file.id)).map((row) => [row.status, row.attempts])).toEqual([
          ['in_progress', 1],
        ]);
        expect(await context.raw().receiptRows(file.id)).toHaveLength(1);
      },
      SLOW_TEST_MS,
    );

    it('a batch gives each event its result in order: applied, duplicate or refused with a reason', async () => {
      const { file, clock, ingestion } = await fresh();
      const other = await context.store().reads.files.create(newFile(uniqueTag()));
      unwrap(
        await ingestion.record({
          fileId: file.id,
          eventId: 'old',
          stepName: 'hash_file',
          status: 'in_progress',
        }),
      );
      const events: IncomingEvent[] = [
        { fileId: file.id, eventId: 'old', stepName: 'hash_file', status: 'in_progress' },
        { fileId: file.id, eventId: 'a', stepName: 'hash_file', status: 'success' },
        { fileId: other.id, stepName: 'hash_file', status: 'in_progress' },
        { fileId: file.id, stepName: 'hash_file', status: 'finished' },
        { fileId: 2_000_000_000, stepName: 'hash_file', status: 'success' },
        { fileId: file.id, eventId: 'a', stepName: 'hash_file', status: 'success' },
        { fileId: file.id, eventId: 'a', stepName: 'hash_file', status: 'failure' },
        { fileId: file.id, stepName: 'check_text', status: 'success', occurredAt: at(3600) },
        { fileId: file.id, eventId: 'b', stepName: 'my_custom_step', status: 'failure' },
        { fileId: other.id, stepName: 'hash_file', status: 'success' },
      ];
      const results = unwrap(await ingestion.recordMany(events));
      expect(results.map(shapeOf)).toEqual([
        'duplicate:hash_file:in_progress',
        'applied:hash_file:success',
        'applied:hash_file:in_progress',
        'refused:validation:UNKNOWN_STATUS',
        'refused:unknown_file:FILE_NOT_FOUND',
        'duplicate:hash_file:success',
        'refused:conflict:EVENT_ID_CONFLICT',
        'refused:ordering:INVALID_EVENT',
        'applied:my_custom_step:failure',
        'applied:hash_file:success',
      ]);
      const [, applied, , , , repeated, , , custom] = results;
      expect(repeated).toEqual({ ...applied, result: 'duplicate' });
      expect(custom?.result === 'applied' && custom.event.counting.counts).toBe(false);
      expect(custom?.result === 'applied' && custom.event.counting.reason).toMatch(
        /not in workflow "default" \(hash_file, .*send_to_all_destinations\).*does not count/,
      );
      expect(
        (await context.raw().logRows(file.id)).map(
          (row) => `${textOf(row, 'step_name')}:${textOf(row, 'status')}`,
        ),
      ).toEqual(['hash_file:in_progress', 'hash_file:success', 'my_custom_step:failure']);
      expect((await context.raw().logRows(other.id)).map((row) => row.status)).toEqual([
        'in_progress',
        'success',
      ]);
      expect((await context.raw().receiptRows(file.id)).map((row) => row.event_id)).toEqual([
        'a',
        'b',
        'old',
      ]);
      expect(clock.now()).toEqual(at(0));
    });

    it('a batch over the limit is refused whole', async () => {
      const { file, ingestion } = await fresh();
      const events = Array.from({ length: 1001 }, () => ({
        fileId: file.id,
        stepName: 'hash_file',
        status: 'success',
      }));
      expect(errorCode(await ingestion.recordMany(events))).toBe('INVALID_EVENT');
      expect(await context.raw().logRows(file.id)).toEqual([]);
    });
  });
};
