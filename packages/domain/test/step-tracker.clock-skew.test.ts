import { describe, expect, it } from 'vitest';
import { MAX_CLOCK_SKEW_MS } from '../src/index.js';
import { newFile, setup, unwrap } from './support/fixtures.js';

describe('event times ahead of the clock', () => {
  it('an event time more than the allowed skew in the future is refused and nothing is stored', async () => {
    const { store, tracker, clock } = setup();
    const file = await tracker.registerFile(newFile());
    const before = await store.reads.logs.maxId();
    const result = await tracker.updateStepStatus(file.id, 'hash_file', 'in_progress', {
      occurredAt: new Date(clock.now().getTime() + MAX_CLOCK_SKEW_MS + 1),
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('INVALID_EVENT');
    expect(!result.ok && result.error.message).toContain('future');
    expect(await store.reads.logs.maxId()).toBe(before);
  });

  it('a retry of a failure stamped slightly ahead of the clock still re-queues the step', async () => {
    const { store, tracker, clock } = setup();
    const file = await tracker.registerFile(newFile());
    const ahead = new Date(clock.now().getTime() + 60_000);
    unwrap(
      await tracker.updateStepStatus(file.id, 'hash_file', 'failure', {
        occurredAt: ahead,
        errorMessage: 'x',
      }),
    );
    unwrap(await tracker.retryFailedSteps(file.id));
    const step = await store.reads.steps.get(file.id, 'hash_file');
    expect(step?.status).toBe('pending');
    expect(step?.lastEvent?.occurredAt.getTime()).toBe(ahead.getTime());
  });
});
