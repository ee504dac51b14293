import type { WebhookEvent } from '@steptrail/client';

// The events a webhook subscription can ask for (docs/architecture.md#webhooks), with what each means.

/** A Record, so a new event type is a compile error here. */
export const EVENT_MEANINGS: Record<WebhookEvent, string> = {
  'file.completed': 'a file finished all its steps',
  'file.failed': 'a file failed',
  'file.duplicate': 'a file turned out to be a duplicate',
  'step.failed': 'any step failed (also attempts that are retried)',
  'step.stalled': 'a step went silent past its stall window',
};
export const WEBHOOK_EVENTS = Object.keys(EVENT_MEANINGS) as WebhookEvent[];
