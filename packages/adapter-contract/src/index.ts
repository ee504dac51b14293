import type { Store } from '@steptrail/domain';
import { afterAll, beforeAll, describe } from 'vitest';
import type { ContractBackend, ContractHarness } from './harness.js';
import { batchEquivalenceTopic } from './suite/batch-equivalence.contract.js';
import { bulkOperationsTopic } from './suite/bulk-operations.contract.js';
import { concurrencyTopic } from './suite/concurrency.contract.js';
import { eventReceiptsTopic } from './suite/event-receipts.contract.js';
import type { ContractContext, ContractTopic } from './suite/context.js';
import { fileSearchTopic } from './suite/file-search.contract.js';
import { filesTopic } from './suite/files.contract.js';
import { legacyConcurrencyTopic } from './suite/legacy-concurrency.contract.js';
import { legacyMigrationTopic } from './suite/legacy-migration.contract.js';
import { legacyPropertyTopic } from './suite/legacy-property.contract.js';
import { logRetentionTopic } from './suite/log-retention.contract.js';
import { logsTopic } from './suite/logs.contract.js';
import { managedStatusTopic } from './suite/managed-status.contract.js';
import { pipelineStepsTopic } from './suite/pipeline-steps.contract.js';
import { statisticsTopic } from './suite/statistics.contract.js';
import { stallsTopic } from './suite/stalls.contract.js';
import { stepTrackerTopic } from './suite/step-tracker.contract.js';
import { stepsTopic } from './suite/steps.contract.js';
import { unitOfWorkTopic } from './suite/unit-of-work.contract.js';
import { workClaimsTopic } from './suite/work-claims.contract.js';
import { workQueueTopic } from './suite/work-queue.contract.js';

export type * from './harness.js';
export { memoryBackend, memoryHarness, memoryRawAccess } from './memory-harness.js';
/** A valid NewFile for tests outside the suite (adoption tests register files too). */
export { newFile } from './suite/fixtures.js';

const TOPICS: readonly ContractTopic[] = [
  filesTopic,
  fileSearchTopic,
  statisticsTopic,
  bulkOperationsTopic,
  stepsTopic,
  logsTopic,
  unitOfWorkTopic,
  stepTrackerTopic,
  workQueueTopic,
  workClaimsTopic,
  pipelineStepsTopic,
  managedStatusTopic,
  logRetentionTopic,
  batchEquivalenceTopic,
  eventReceiptsTopic,
  legacyMigrationTopic,
  legacyPropertyTopic,
  legacyConcurrencyTopic,
  concurrencyTopic,
  stallsTopic,
];

const OPEN_TIMEOUT_MS = 120_000;

/**
 * Registers the conformance suite for one backend; call it at the top level of a test file. The harness is
 * opened in `beforeAll` and closed in `afterAll`; `backend` is what must be known before that, when vitest
 * collects the tests (titles, capability-dependent skips).
 */
export function runContractSuite(
  harnessFactory: () => Promise<ContractHarness>,
  backend: ContractBackend,
): void {
  describe(`contract: ${backend.name}`, () => {
    let opened: { harness: ContractHarness; store: Store; second: Store } | null = null;
    let harness: ContractHarness | null = null;

    beforeAll(async () => {
      harness = await harnessFactory();
      opened = { harness, store: await harness.openStore(), second: await harness.openSecondStore() };
    }, OPEN_TIMEOUT_MS);

    afterAll(async () => {
      const closing = harness;
      harness = null;
      opened = null;
      await closing?.close();
    }, OPEN_TIMEOUT_MS);

    const current = () => {
      if (opened === null)
        throw new Error(`The ${backend.name} harness is not open (its beforeAll failed or has not run).`);
      return opened;
    };
    const context: ContractContext = {
      backend,
      store: () => current().store,
      secondStore: () => current().second,
      raw: () => current().harness.raw,
    };
    for (const topic of TOPICS) topic(context);
  });
}
