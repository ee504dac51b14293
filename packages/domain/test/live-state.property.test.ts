import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeOverallStatus, reconstructStep } from '../src/index.js';
import { scenarioArb, runScenario } from './support/live-operations.js';

describe('properties of the live use-cases', () => {
  it('the rollup on the file always equals computeOverallStatus of its folded steps', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const { store, fileId } = await runScenario(scenario);
        const file = await store.reads.files.get(fileId);
        if (file === null) throw new Error('the file disappeared');
        const rows = await store.reads.steps.listForFile(fileId);
        const folded = await Promise.all(
          rows.map(async (row) => {
            const { status, attempts } = reconstructStep(
              await store.reads.logs.listForStep(fileId, row.stepName),
            );
            return { stepName: row.stepName, status, attempts, runAfter: row.runAfter };
          }),
        );
        const expected = computeOverallStatus({
          isDuplicate: file.isDuplicate,
          managed: file.managed,
          workflow: file.workflow,
          steps: folded,
        });
        const { lastStep: _lastStep, statusChangedAt: _changedAt, ...rollup } = file.rollup;
        expect(rollup).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('verifyFile reports the file valid after any sequence of live updates', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const { migration, fileId } = await runScenario(scenario);
        const verification = await migration.verifyMigration(fileId);
        expect(verification).toEqual({ ok: true, value: { fileId, valid: true, discrepancies: [] } });
      }),
      { numRuns: 150 },
    );
  });
});
