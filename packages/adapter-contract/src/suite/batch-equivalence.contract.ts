import type { ClaimedStep, FileRecord, StepFinish, StepRef, WorkClaims } from '@steptrail/domain';
import { describe, expect, it } from 'vitest';
import type { RawRow } from '../harness.js';
import type { ContractContext, ContractTopic } from './context.js';
import { at, EPOCH, ManualClock, newFile, uniqueTag, useCases, workflowOf } from './fixtures.js';
import { dateOf, iso, numberOf, orderedLogs, rollupView, stepView, storedFile, textOf } from './raw-rows.js';

const LEASE_MS = 30_000;
const FILES = 3;
const STEPS = ['a', 'b', 'c'] as const;
const time = (seconds: number) => at(seconds, EPOCH.batches);

/** How a scenario drives WorkClaims: a step per transaction, or every step of a round in one. */
interface Driver {
  claim(claims: WorkClaims, stepNames: string[], leaseMs: number): Promise<ClaimedStep[]>;
  finish(claims: WorkClaims, finishes: StepFinish[]): ReturnType<WorkClaims['finishMany']>;
  recover(claims: WorkClaims): Promise<number>;
}

const oneAtATime: Driver = {
  async claim(claims, stepNames, leaseMs) {
    const claimed: ClaimedStep[] = [];
    for (;;) {
      const next = await claims.claim('worker-x', { limit: 1, leaseMs, stepNames });
      if (next.length === 0) return claimed;
      claimed.push(...next);
    }
  },
  async finish(claims, finishes) {
    const results = [];
    for (const { ref, outcome } of finishes) results.push(await claims.finish('worker-x', ref, outcome));
    return results;
  },
  async recover(claims) {
    let total = 0;
    while ((await claims.recoverExpired(1, () => 3)) > 0) total += 1;
    return total;
  },
};

const batched: Driver = {
  claim: (claims, stepNames, leaseMs) => claims.claim('worker-x', { limit: 10, leaseMs, stepNames }),
  finish: (claims, finishes) => claims.finishMany('worker-x', finishes),
  recover: (claims) => claims.recoverExpired(100, () => 3),
};

/**
 * Claims, successes, a skip, a failure with a retry and one without, lease-lost outcomes (a step finished twice, a
 * step never claimed) and lease recovery, over three files; returns everything stored, with step names replaced
 * by their workflow position so two runs on different files compare.
 */
async function runScenario(context: ContractContext, driver: Driver) {
  const clock = new ManualClock(time(0));
  const tag = uniqueTag();
  const names = STEPS.map((step) => `${tag}_${step}`);
  const { tracker, claims } = useCases(context.store(), clock);
  const files: FileRecord[] = [];
  for (let index = 0; index < FILES; index += 1) {
    files.push(
      await tracker.registerFile(newFile(tag, { managed: true, workflow: workflowOf('batches', names) })),
    );
  }
  const ref = (file: number, step: number): StepRef => ({
    fileId: files[file]?.id ?? 0,
    stepName: names[step] ?? '',
  });
  const position = (value: string | null) => (value === null ? null : names.indexOf(value));
  const claimed = async (seconds: number, leaseMs = LEASE_MS) => {
    clock.set(time(seconds));
    const steps = await driver.claim(claims, names, leaseMs);
    return steps.map((step) => [
      files.findIndex((file) => file.id === step.fileId),
      position(step.stepName),
      step.attempt,
    ]);
  };
  const finished = async (seconds: number, finishes: StepFinish[]) => {
    clock.set(time(seconds));
    const results = await driver.finish(claims, finishes);
    return results.map((result) =>
      result.ok ? [result.value.step.status, result.value.scheduled !== null] : result.error.code,
    );
  };

  const trace: unknown[] = [await claimed(1)];
  trace.push(
    await finished(2, [
      { ref: ref(0, 0), outcome: { status: 'success', message: 'done' } },
      { ref: ref(1, 0), outcome: { status: 'failure', message: 'flaky', retryAt: time(5) } },
      { ref: ref(2, 0), outcome: { status: 'skipped', message: 'not needed' } },
      { ref: ref(0, 0), outcome: { status: 'success' } },
      { ref: ref(0, 1), outcome: { status: 'success' } },
    ]),
  );
  trace.push(await claimed(3));
  trace.push(
    await finished(4, [
      { ref: ref(0, 1), outcome: { status: 'failure', message: 'broken', detail: 'trace', retryAt: null } },
      { ref: ref(2, 1), outcome: { status: 'success', detail: 'fine' } },
    ]),
  );
  trace.push(await claimed(5, 1_000));
  clock.set(time(7));
  trace.push(await driver.recover(claims));
  trace.push(await claimed(8));
  trace.push(
    await finished(9, [
      { ref: ref(1, 0), outcome: { status: 'failure', message: 'gave up', retryAt: null } },
      { ref: ref(2, 2), outcome: { status: 'success' } },
    ]),
  );
  const stored = [];
  for (const file of files) stored.push(await storedState(context, file.id, position));
  return { trace, stored };
}

async function storedState(
  context: ContractContext,
  fileId: number,
  position: (stepName: string | null) => number | null,
) {
  const fileRow = await storedFile(context.raw(), fileId);
  const stepRows = await context.raw().stepRows(fileId);
  const logs = await orderedLogs(context.raw(), fileId);
  const stepOf = (row: RawRow) => {
    const { lastEventId: _differsPerRun, ...view } = stepView(row);
    return {
      step: position(textOf(row, 'step_name')),
      ...view,
      runAfter: iso(dateOf(row, 'run_after')),
      leaseOwner: textOf(row, 'lease_owner'),
      leaseExpiresAt: iso(dateOf(row, 'lease_expires_at')),
      lastEventIsItsLog: logs.some((log) => log.id === numberOf(row, 'last_event_id')),
    };
  };
  return {
    rollup: {
      ...rollupView(fileRow),
      lastStep: position(textOf(fileRow, 'last_step')),
      statusChangedAt: iso(dateOf(fileRow, 'status_changed_at')),
    },
    steps: stepRows.map(stepOf).sort((a, b) => (a.step ?? -1) - (b.step ?? -1)),
    logs: logs.map(({ stepName, status, message, detail, taskId, occurredAt }) => ({
      step: position(stepName),
      status,
      message,
      detail,
      taskId,
      occurredAt: occurredAt.toISOString(),
    })),
  };
}

export const batchEquivalenceTopic: ContractTopic = (context) => {
  describe('batched work claims', () => {
    it('claiming, finishing and recovering in batches stores exactly what one step per transaction stores', async () => {
      const single = await runScenario(context, oneAtATime);
      const together = await runScenario(context, batched);

      expect(together).toEqual(single);
      // The scenario reaches the branches it means to: lease lost twice, a retry, two recoveries.
      expect(single.trace[1]).toEqual([
        ['success', true],
        ['pending', false],
        ['skipped', true],
        'LEASE_LOST',
        'LEASE_LOST',
      ]);
      expect(single.trace[5]).toBe(2);
      expect(single.stored.map((file) => file.rollup.status)).toEqual(['failed', 'failed', 'completed']);
    });
  });
};
