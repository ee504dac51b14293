import { describe, expect, it } from 'vitest';
import { EVENT_TIME_RANGE, isStorableId, MAX_ID, unstorableText, withinEventTimes } from '../src/index.js';
import { newFile, setup } from './support/fixtures.js';

describe('what every database stores unchanged', () => {
  it.each([
    ['0000-01-01T00:00:00.000Z', false],
    ['0001-06-01T12:00:00.000Z', false],
    ['1969-12-31T23:59:59.999Z', false],
    ['1970-01-01T00:00:00.000Z', true],
    ['9999-12-31T23:59:59.999Z', true],
    ['+010000-01-01T00:00:00.000Z', false],
  ])('the event time %s is storable: %s', (time, storable) => {
    expect(withinEventTimes(new Date(time))).toBe(storable);
  });

  it('an invalid date is no storable time', () => {
    expect(withinEventTimes(new Date(Number.NaN))).toBe(false);
  });

  it.each([
    [1, true],
    [MAX_ID, true],
    [0, false],
    [-1, false],
    [MAX_ID + 1, false],
    [1.5, false],
  ])('the id %s is storable: %s', (id, storable) => {
    expect(isStorableId(id)).toBe(storable);
  });

  it.each([
    ['plain text, März, 東京, 😀', null],
    ['a\u0000b', 'NUL'],
    ['a\ud800b', 'lone UTF-16 surrogate'],
    ['\udfff', 'lone UTF-16 surrogate'],
  ])('the text %j is refused for: %s', (text, reason) => {
    const why = unstorableText(text);
    if (reason === null) expect(why).toBeNull();
    else expect(why).toContain(reason);
  });
});

describe('event times outside the stored range', () => {
  it.each(['0001-01-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z'])(
    'an event at %s is refused naming the range, and nothing is stored',
    async (time) => {
      const { store, tracker } = setup();
      const file = await tracker.registerFile(newFile());
      const before = await store.reads.logs.maxId();
      const result = await tracker.updateStepStatus(file.id, 'hash_file', 'in_progress', {
        occurredAt: new Date(time),
      });
      expect(result).toMatchObject({
        ok: false,
        error: {
          code: 'INVALID_EVENT',
          message: expect.stringContaining(
            `from ${EVENT_TIME_RANGE.min.toISOString()} to ${EVENT_TIME_RANGE.max.toISOString()}`,
          ) as unknown,
        },
      });
      expect(await store.reads.logs.maxId()).toBe(before);
    },
  );

  it('the earliest storable time is accepted as it is', async () => {
    const { store, tracker } = setup();
    const file = await tracker.registerFile(newFile());
    const result = await tracker.updateStepStatus(file.id, 'hash_file', 'in_progress', {
      startedAt: EVENT_TIME_RANGE.min,
    });
    expect(result.ok).toBe(true);
    const [log] = await store.reads.logs.listForStep(file.id, 'hash_file');
    expect(log?.occurredAt).toEqual(EVENT_TIME_RANGE.min);
  });
});
