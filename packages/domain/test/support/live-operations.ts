import fc from 'fast-check';
import { DEFAULT_WORKFLOW, type StepRef, type Workflow } from '../../src/index.js';
import { instantArb, liveEventArb, type LiveEvent } from './arbitraries.js';
import { newFile, setup, workflowOf } from './fixtures.js';

/** One thing the live system may do to a file. */
export type LiveOperation =
  | { kind: 'update'; stepName: string; event: LiveEvent }
  | { kind: 'note'; stepName: string; occurredAt: Date }
  | { kind: 'uploads'; destinations: string[] }
  | { kind: 'initialize'; steps: string[] }
  | { kind: 'retry' }
  | { kind: 'duplicate'; isDuplicate: boolean }
  | { kind: 'claim' }
  | { kind: 'finish'; outcome: 'success' | 'skipped' | 'failure' | 'retry' }
  | { kind: 'expire'; maxAttempts: number };

export const WORKFLOWS: readonly Workflow[] = [
  DEFAULT_WORKFLOW,
  workflowOf('short', ['hash_file', 'extract_text', 'finalize_document_storage']),
];

/** Workflow steps, optional main steps, aliases, upload steps and diagnostic steps. */
const STEP_POOL = [
  'hash_file',
  'extract_text',
  'finalize_document_storage',
  'send_to_all_destinations',
  'send_to_user_destinations',
  'process_with_ocr',
  'process_with_azure_document_intelligence',
  'queue_dropbox',
  'upload_to_dropbox',
  'poll_task',
  'upload_file',
];

const stepArb = fc.constantFrom(...STEP_POOL);

export const operationArb: fc.Arbitrary<LiveOperation> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant('update' as const), stepName: stepArb, event: liveEventArb }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('note' as const), stepName: stepArb, occurredAt: instantArb }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('uploads' as const),
      destinations: fc.subarray(['dropbox', 's3']),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('initialize' as const), steps: fc.subarray(STEP_POOL) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'retry' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), isDuplicate: fc.boolean() }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'claim' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('finish' as const),
      outcome: fc.constantFrom('success', 'skipped', 'failure', 'retry'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('expire' as const),
      maxAttempts: fc.integer({ min: 1, max: 3 }),
    }),
  },
);

export const scenarioArb = fc.record({
  workflow: fc.constantFrom(...WORKFLOWS),
  managed: fc.boolean(),
  operations: fc.array(operationArb, { maxLength: 25 }),
});

/** Runs the operations through the use-cases; expected failures (Results) are part of normal life. */
export async function runScenario(scenario: {
  workflow: Workflow;
  managed: boolean;
  operations: LiveOperation[];
}) {
  const context = setup();
  const { tracker, claims, clock } = context;
  const file = await tracker.registerFile(
    newFile({ workflow: scenario.workflow, managed: scenario.managed }),
  );
  let held: StepRef[] = [];
  for (const operation of scenario.operations) {
    clock.advance(250);
    switch (operation.kind) {
      case 'update':
        await tracker.updateStepStatus(file.id, operation.stepName, operation.event.status, operation.event);
        break;
      case 'note':
        await tracker.logEvent(file.id, {
          stepName: operation.stepName,
          message: 'note',
          occurredAt: operation.occurredAt,
        });
        break;
      case 'uploads':
        await tracker.addUploadSteps(file.id, operation.destinations);
        break;
      case 'initialize':
        await tracker.initializeFileSteps(file.id, operation.steps);
        break;
      case 'retry':
        await tracker.retryFailedSteps(file.id);
        break;
      case 'duplicate':
        await tracker.setDuplicate(file.id, operation.isDuplicate, operation.isDuplicate ? 99 : null);
        break;
      case 'claim':
        held = [...held, ...(await claims.claim('w1', { limit: 2, leaseMs: 1000 }))];
        break;
      case 'finish':
        for (const ref of held) await claims.finish('w1', ref, outcomeOf(operation.outcome, clock.now()));
        held = [];
        break;
      case 'expire':
        clock.advance(2000);
        await claims.recoverExpired(10, () => operation.maxAttempts);
        break;
    }
  }
  return { ...context, fileId: file.id };
}

function outcomeOf(outcome: 'success' | 'skipped' | 'failure' | 'retry', now: Date) {
  switch (outcome) {
    case 'success':
      return { status: 'success' as const };
    case 'skipped':
      return { status: 'skipped' as const, message: 'not needed' };
    case 'failure':
      return { status: 'failure' as const, message: 'broke', retryAt: null };
    case 'retry':
      return { status: 'failure' as const, message: 'flaky', retryAt: new Date(now.getTime() + 500) };
  }
}
