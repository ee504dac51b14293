import {
  computeOverallStatus,
  DEFAULT_WORKFLOW,
  reconstructStep,
  type ClaimedStep,
  type StepStatus,
  type Store,
} from '@steptrail/domain';
import { describe, expect, it } from 'vitest';
import type { ContractTopic } from './context.js';
import { at, ManualClock, newFile, uniqueTag, useCases } from './fixtures.js';
import { foldedView, orderedLogs, rollupView, stepView, storedFile, textOf } from './raw-rows.js';

const WRITERS = 20;
const CLAIMERS = 8;
const FILES = 50;
const STEPS_PER_FILE = 10;
const SLOW_TEST_MS = 120_000;
const CYCLE: readonly StepStatus[] = ['in_progress', 'failure', 'pending', 'in_progress', 'success'];

export const concurrencyTopic: ContractTopic = (context) => {
  const { concurrentWriters, concurrencyNote } = context.backend.capabilities;
  const through = concurrentWriters ? 'through two stores' : `through one store, since ${concurrencyNote}`;
  const storeFor = (index: number): Store =>
    concurrentWriters && index % 2 === 1 ? context.secondStore() : context.store();

  describe('concurrency', () => {
    it(
      `${WRITERS} concurrent writers on one new step lose neither an update nor a log row and hit no unique-constraint error (${through})`,
      async () => {
        const clock = new ManualClock(at(0));
        const file = await context.store().reads.files.create(newFile(uniqueTag()));
        const stepName = 'process_with_ocr';
        // Submitted in a scrambled order, so many events arrive late and force a re-fold.
        const order = Array.from({ length: WRITERS }, (_, index) => (index * 7) % WRITERS);

        const results = await Promise.allSettled(
          order.map((event, writer) =>
            useCases(storeFor(writer), clock).tracker.updateStepStatus(
              file.id,
              stepName,
              CYCLE[event % CYCLE.length] ?? 'pending',
              {
                occurredAt: at(100 + event),
                message: `event ${event}`,
              },
            ),
          ),
        );

        const outcomes = results.map((result) =>
          result.status === 'rejected'
            ? String(result.reason)
            : result.value.ok
              ? 'ok'
              : result.value.error.code,
        );
        expect(outcomes).toEqual(order.map(() => 'ok'));
        const logs = await orderedLogs(context.raw(), file.id);
        expect(logs.map((log) => log.message)).toEqual(
          Array.from({ length: WRITERS }, (_, event) => `event ${event}`),
        );
        const rows = await context.raw().stepRows(file.id);
        expect(rows.map((row) => textOf(row, 'step_name'))).toEqual([stepName]);
        const folded = reconstructStep(logs);
        expect(rows.map(stepView)).toEqual([foldedView(folded)]);
        expect(folded.attempts).toBe(
          order.filter((event) => CYCLE[event % CYCLE.length] === 'in_progress').length,
        );
        const steps = [{ stepName, status: folded.status, attempts: folded.attempts }];
        expect(rollupView(await storedFile(context.raw(), file.id))).toEqual(
          computeOverallStatus({
            isDuplicate: false,
            managed: file.managed,
            workflow: DEFAULT_WORKFLOW,
            steps,
          }),
        );
      },
      SLOW_TEST_MS,
    );

    it(
      `${CLAIMERS} concurrent claimers over ${FILES * STEPS_PER_FILE} runnable steps claim every step exactly once (${through})`,
      async () => {
        const tag = uniqueTag();
        const stepNames = Array.from({ length: STEPS_PER_FILE }, (_, index) => `${tag}_s${index}`);
        const clock = new ManualClock(at(0));
        const fileIds = await context.store().unitOfWork.transaction(async (repos) => {
          const ids: number[] = [];
          for (let index = 0; index < FILES; index += 1) {
            const file = await repos.files.create(newFile(tag, { managed: true }));
            await repos.steps.createMissing(file.id, stepNames, at(-index));
            ids.push(file.id);
          }
          return ids;
        });
        clock.set(at(10));

        const claimLoop = async (claimer: number): Promise<ClaimedStep[]> => {
          const { claims } = useCases(storeFor(claimer), clock);
          const mine: ClaimedStep[] = [];
          for (;;) {
            const batch = await claims.claim(`claimer-${claimer}`, { limit: 5, leaseMs: 600_000, stepNames });
            if (batch.length === 0) return mine;
            mine.push(...batch);
          }
        };
        const perClaimer = await Promise.all(
          Array.from({ length: CLAIMERS }, (_, claimer) => claimLoop(claimer)),
        );

        const keys = perClaimer.flat().map((claim) => `${claim.fileId}/${claim.stepName}`);
        expect(new Set(keys).size).toBe(keys.length);
        expect(keys.sort()).toEqual(fileIds.flatMap((id) => stepNames.map((name) => `${id}/${name}`)).sort());
        expect(
          await useCases(context.store(), clock).claims.claim('late-claimer', {
            limit: 10,
            leaseMs: 1000,
            stepNames,
          }),
        ).toEqual([]);

        const ownerOf = new Map(
          perClaimer.flatMap((claims, claimer) =>
            claims.map((claim) => [`${claim.fileId}/${claim.stepName}`, `claimer-${claimer}`]),
          ),
        );
        for (const fileId of fileIds) {
          const rows = await context.raw().stepRows(fileId);
          expect(rows.map((row) => [row.step_name, row.status, row.attempts, row.lease_owner])).toEqual(
            stepNames.map((name) => [name, 'in_progress', 1, ownerOf.get(`${fileId}/${name}`)]),
          );
          const logs = await context.raw().logRows(fileId);
          expect(logs.map((row) => row.status)).toEqual(stepNames.map(() => 'in_progress'));
        }
      },
      SLOW_TEST_MS,
    );
  });
};
