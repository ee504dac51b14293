import type { OverallStatus, StepStatus } from '../status/step-status.js';

/** The events a webhook can subscribe to (docs/architecture.md#webhooks). */
export const WEBHOOK_EVENTS = [
  'file.completed',
  'file.failed',
  'file.duplicate',
  'step.failed',
  'step.stalled',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** The type of the deliveries `POST /api/webhooks/:id/test` makes; no subscription asks for it. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';
export const DELIVERY_TYPES = [...WEBHOOK_EVENTS, WEBHOOK_TEST_EVENT] as const;
export type DeliveryType = (typeof DELIVERY_TYPES)[number];

const eventSet: ReadonlySet<string> = new Set(WEBHOOK_EVENTS);
const deliverySet: ReadonlySet<string> = new Set(DELIVERY_TYPES);
export const isWebhookEventType = (value: string): value is WebhookEventType => eventSet.has(value);
export const isDeliveryType = (value: string): value is DeliveryType => deliverySet.has(value);

/** The body of a test delivery. */
export function testPayload(webhookId: number, now: Date): string {
  return JSON.stringify({ type: WEBHOOK_TEST_EVENT, timestamp: now.toISOString(), data: { webhookId } });
}

export interface WebhookEvent {
  type: WebhookEventType;
  fileId: number;
  stepName: string | null;
  /** The file's or the step's status after the change. */
  status: string;
  errorMessage: string | null;
  occurredAt: Date;
}

/**
 * The events a step change emits: `step.failed` when a step turns `failure` (each failed attempt), and
 * `step.stalled` besides when the stall sweep failed it (docs/architecture.md#stalls).
 */
export function stepChangeEvents(
  change: { fileId: number; stepName: string; errorMessage: string | null; occurredAt: Date },
  before: StepStatus | null,
  after: StepStatus,
  cause: string | null = null,
): WebhookEvent[] {
  if (after !== 'failure' || before === 'failure') return [];
  const failed: WebhookEvent = { type: 'step.failed', status: after, ...change };
  return cause === 'stalled' ? [failed, { ...failed, type: 'step.stalled' }] : [failed];
}

const FILE_EVENTS: Partial<Record<OverallStatus, WebhookEventType>> = {
  completed: 'file.completed',
  failed: 'file.failed',
  duplicate: 'file.duplicate',
};

/**
 * The event a file's status change emits, compared over one transaction: a file that fails and is re-queued in the
 * same transaction emits nothing, one that reaches `completed`, `failed` or `duplicate` emits that once.
 */
export function fileStatusEvent(
  fileId: number,
  before: OverallStatus,
  after: OverallStatus,
  occurredAt: Date,
): WebhookEvent | null {
  const type = FILE_EVENTS[after];
  if (type === undefined || before === after) return null;
  return { type, fileId, stepName: null, status: after, errorMessage: null, occurredAt };
}

/**
 * The longest error message a payload carries, in UTF-16 units. A step's message may be 16,383 characters, which
 * JSON escapes to up to six bytes each (a control character becomes `\u0001`): more than MySQL's TEXT column
 * holds (65,535 bytes), so a delivery row could not be written and the step change that emits it would fail.
 */
export const WEBHOOK_MESSAGE_MAX = 2_000;

/** `message` cut to WEBHOOK_MESSAGE_MAX units (never inside a surrogate pair), saying how much was left out. */
function payloadMessage(message: string | null): string | null {
  if (message === null || message.length <= WEBHOOK_MESSAGE_MAX) return message;
  const high = message.charCodeAt(WEBHOOK_MESSAGE_MAX - 1);
  const cut = high >= 0xd800 && high <= 0xdbff ? WEBHOOK_MESSAGE_MAX - 1 : WEBHOOK_MESSAGE_MAX;
  return `${message.slice(0, cut)}… (${message.length - cut} more characters in the file's history)`;
}

/**
 * The body a receiver gets, in the Standard Webhooks shape `{ type, timestamp, data }`; a long error message is
 * shortened (WEBHOOK_MESSAGE_MAX), so every payload fits the outbox's column on every database.
 */
export function webhookPayload(event: WebhookEvent): string {
  const { type, occurredAt, errorMessage, ...data } = event;
  return JSON.stringify({
    type,
    timestamp: occurredAt.toISOString(),
    data: { ...data, errorMessage: payloadMessage(errorMessage) },
  });
}

/** How many attempts a delivery gets before it is `failed`, and the backoff between them. */
export const WEBHOOK_RETRY = { maxAttempts: 8, baseMs: 5_000, maxMs: 3_600_000 } as const;
