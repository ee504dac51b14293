import { describe, expect, it } from 'vitest';
import type { StepUpdateOptions } from '../src/index.js';
import { at, newFile, setup, unwrap } from './support/fixtures.js';

async function withFile(managed = false) {
  const context = setup();
  const file = await context.tracker.registerFile(newFile({ managed }));
  return { ...context, file };
}

describe('StepTracker.updateStepStatus: error texts and event times', () => {
  it('a failure’s errorMessage is stored as the log message, so the fold gives back the same error', async () => {
    const { tracker, store, file } = await withFile();
    unwrap(
      await tracker.updateStepStatus(file.id, 'check_text', 'failure', {
        errorMessage: 'no text layer',
        detail: 'trace',
      }),
    );
    const [log] = await store.reads.logs.listForStep(file.id, 'check_text');
    expect(log).toMatchObject({ status: 'failure', message: 'no text layer', detail: 'trace' });
    expect(await store.reads.steps.get(file.id, 'check_text')).toMatchObject({
      status: 'failure',
      errorMessage: 'no text layer',
    });
  });

  it('a failure may repeat its errorMessage as message', async () => {
    const { tracker, file } = await withFile();
    const applied = unwrap(
      await tracker.updateStepStatus(file.id, 'check_text', 'failure', {
        errorMessage: 'same',
        message: 'same',
      }),
    );
    expect(applied.step.errorMessage).toBe('same');
  });

  it.each<[string, string, StepUpdateOptions, object]>([
    [
      'startedAt is the event time of in_progress',
      'in_progress',
      { startedAt: at(3) },
      { startedAt: at(3), completedAt: null },
    ],
    [
      'completedAt is the event time of success',
      'success',
      { completedAt: at(4) },
      { startedAt: at(4), completedAt: at(4) },
    ],
    ['completedAt is the event time of failure', 'failure', { completedAt: at(5) }, { completedAt: at(5) }],
    [
      'completedAt is the event time of skipped',
      'skipped',
      { completedAt: at(6) },
      { startedAt: null, completedAt: at(6) },
    ],
    [
      'occurredAt equal to completedAt is accepted',
      'success',
      { occurredAt: at(7), completedAt: at(7) },
      { completedAt: at(7) },
    ],
    ['without any time the clock gives the event time', 'success', {}, { completedAt: at(0) }],
  ])('%s', async (_rule, status, options, expected) => {
    const { tracker, file } = await withFile();
    const applied = unwrap(await tracker.updateStepStatus(file.id, 'hash_file', status, options));
    expect(applied.step).toMatchObject(expected);
  });
});
