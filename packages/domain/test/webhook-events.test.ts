import { describe, expect, it } from 'vitest';
import {
  deliveryAttempt,
  fileStatusEvent,
  stepChangeEvents,
  WEBHOOK_MESSAGE_MAX,
  webhookPayload,
} from '../src/index.js';

const at = new Date('2026-01-01T00:00:00.000Z');
const change = { fileId: 7, stepName: 'hash_file', errorMessage: 'boom', occurredAt: at };

describe('which change emits which webhook event', () => {
  it.each([
    [null, 'failure', 'step.failed'],
    ['in_progress', 'failure', 'step.failed'],
    ['failure', 'failure', null],
    ['in_progress', 'success', null],
    ['failure', 'pending', null],
  ] as const)('a step going %s → %s emits %s', (before, after, type) => {
    expect(stepChangeEvents(change, before, after)[0]?.type ?? null).toBe(type);
  });

  it.each([
    ['processing', 'completed', 'file.completed'],
    ['processing', 'failed', 'file.failed'],
    ['pending', 'duplicate', 'file.duplicate'],
    ['completed', 'completed', null],
    ['failed', 'processing', null],
  ] as const)('a file going %s → %s emits %s', (before, after, type) => {
    expect(fileStatusEvent(7, before, after, at)?.type ?? null).toBe(type);
  });

  it('a step the stall sweep failed emits step.failed and step.stalled', () => {
    expect(stepChangeEvents(change, 'in_progress', 'failure', 'stalled').map((event) => event.type)).toEqual([
      'step.failed',
      'step.stalled',
    ]);
  });

  it('the payload is { type, timestamp, data }', () => {
    const [event] = stepChangeEvents(change, 'in_progress', 'failure');
    expect(JSON.parse(webhookPayload(event!))).toEqual({
      type: 'step.failed',
      timestamp: at.toISOString(),
      data: { fileId: 7, stepName: 'hash_file', status: 'failure', errorMessage: 'boom' },
    });
  });

  it('a long error message is shortened in the payload, which then fits a 65,535-byte column', () => {
    const message = `${'\u0001'.repeat(WEBHOOK_MESSAGE_MAX - 1)}😀${'x'.repeat(14_000)}`;
    const [event] = stepChangeEvents({ ...change, errorMessage: message }, 'in_progress', 'failure');
    const payload = webhookPayload(event!);
    expect(Buffer.byteLength(payload, 'utf8')).toBeLessThan(65_535);
    const sent = (JSON.parse(payload) as { data: { errorMessage: string } }).data.errorMessage;
    // The cut falls inside the emoji's surrogate pair, so it moves before the pair.
    expect(sent).toBe(
      `${'\u0001'.repeat(WEBHOOK_MESSAGE_MAX - 1)}… (${message.length - WEBHOOK_MESSAGE_MAX + 1} more characters in the file's history)`,
    );
  });

  it('a message of exactly the limit is sent whole', () => {
    const message = 'm'.repeat(WEBHOOK_MESSAGE_MAX);
    const [event] = stepChangeEvents({ ...change, errorMessage: message }, 'in_progress', 'failure');
    expect(JSON.parse(webhookPayload(event!))).toMatchObject({ data: { errorMessage: message } });
  });
});

describe('deliveryAttempt', () => {
  const policy = { maxAttempts: 3, baseMs: 1000, maxMs: 10_000 };
  const half = () => 0.5;

  it('a 2xx answer delivers', () => {
    expect(deliveryAttempt(1, { statusCode: 204, latencyMs: 5, error: null }, at, policy)).toEqual({
      attempt: 1,
      state: 'delivered',
      nextAttemptAt: null,
      statusCode: 204,
      latencyMs: 5,
      error: null,
    });
  });

  it('a 500 is retried after the doubling backoff, from the upper half of the ceiling', () => {
    const second = deliveryAttempt(2, { statusCode: 500, latencyMs: 5, error: null }, at, policy, half);
    expect(second).toMatchObject({ state: 'pending', error: 'HTTP 500' });
    expect(second.nextAttemptAt?.getTime()).toBe(at.getTime() + 1500);
  });

  it('a timeout is retried; the last failed attempt fails the delivery', () => {
    const timeout = { statusCode: null, latencyMs: 10_000, error: 'timed out after 10000 ms' };
    expect(deliveryAttempt(1, timeout, at, policy, half)).toMatchObject({ state: 'pending' });
    expect(deliveryAttempt(3, timeout, at, policy, half)).toEqual({
      attempt: 3,
      state: 'failed',
      nextAttemptAt: null,
      statusCode: null,
      latencyMs: 10_000,
      error: 'timed out after 10000 ms',
    });
  });
});
