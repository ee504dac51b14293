import {
  isDeliveryType,
  isWebhookEventType,
  type AttemptRecord,
  type ClaimedDelivery,
  type DeliveryAttempt,
  type DeliveryState,
  type NewDelivery,
  type WebhookDelivery,
  type WebhookEventType,
  type WebhookStore,
  type WebhookSubscription,
} from '@steptrail/domain';
import { insertedIds, returningId, returningIds } from '../define-dialect.js';
import {
  RowParseError,
  parseInteger,
  parseText,
  parseTimestamp,
  requireInteger,
  requireOneOf,
  requireText,
  requireTimestamp,
} from '../mappers/column-parsers.js';
import { WEBHOOK_ATTEMPTS_TABLE, WEBHOOK_DELIVERIES_TABLE, WEBHOOKS_TABLE } from '../schema/schema-plan.js';
import type { SqlExecutor } from '../sql-executor.js';
import { claimRows } from './claim-rows.js';

const HOOKS = WEBHOOKS_TABLE.name;
const DELIVERIES = WEBHOOK_DELIVERIES_TABLE.name;
const ATTEMPTS = WEBHOOK_ATTEMPTS_TABLE.name;
const HOOK_COLUMNS = 'id, url, events, secret, created_at, paused_at';
const DELIVERY_COLUMNS = `id, message_id, webhook_id, event_type, payload, state, attempts, next_attempt_at, last_status_code,
  last_latency_ms, last_error, created_at, updated_at`;
const ROWS_PER_INSERT = 200;

/** WebhookStore over steptrail_webhooks and its outbox (docs/architecture.md#webhooks). */
export class TypeormWebhookStore implements WebhookStore {
  constructor(private readonly sql: SqlExecutor) {}

  private time(date: Date): unknown {
    return this.sql.dialect.driver.time(date);
  }

  async createSubscription(
    input: Omit<WebhookSubscription, 'id' | 'pausedAt'>,
  ): Promise<WebhookSubscription> {
    const result = await this.sql.write(
      `INSERT INTO ${HOOKS} (url, events, secret, created_at)
       VALUES (:url, :events, :secret, :createdAt)${returningId(this.sql.dialect)}`,
      {
        url: input.url,
        events: input.events.join(','),
        secret: input.secret,
        createdAt: this.time(input.createdAt),
      },
    );
    if (result.insertId === null) throw new Error('The database did not report the id of the new webhook.');
    return { ...input, id: result.insertId, pausedAt: null };
  }

  async setPaused(id: number, pausedAt: Date | null): Promise<WebhookSubscription | null> {
    await this.sql.write(`UPDATE ${HOOKS} SET paused_at = :pausedAt WHERE id = :id`, {
      id,
      pausedAt: pausedAt === null ? null : this.time(pausedAt),
    });
    return this.findSubscription(id);
  }

  async listSubscriptions(): Promise<WebhookSubscription[]> {
    const rows = await this.sql.rows(`SELECT ${HOOK_COLUMNS} FROM ${HOOKS} ORDER BY id`);
    return rows.map(toSubscription);
  }

  async findSubscription(id: number): Promise<WebhookSubscription | null> {
    const row = await this.sql.one(`SELECT ${HOOK_COLUMNS} FROM ${HOOKS} WHERE id = :id`, { id });
    return row === null ? null : toSubscription(row);
  }

  async deleteSubscription(id: number): Promise<boolean> {
    await this.sql.write(`DELETE FROM ${ATTEMPTS} WHERE webhook_id = :id`, { id });
    await this.sql.write(`DELETE FROM ${DELIVERIES} WHERE webhook_id = :id`, { id });
    return (await this.sql.write(`DELETE FROM ${HOOKS} WHERE id = :id`, { id })).affected > 0;
  }

  async enqueue(deliveries: readonly NewDelivery[], now: Date): Promise<number[]> {
    const ids: number[] = [];
    for (let start = 0; start < deliveries.length; start += ROWS_PER_INSERT) {
      const params: Record<string, unknown> = { now: this.time(now), pending: 'pending', zero: 0 };
      const values = deliveries.slice(start, start + ROWS_PER_INSERT).map((delivery, row) => {
        Object.assign(params, {
          [`m${row}`]: delivery.messageId,
          [`w${row}`]: delivery.webhookId,
          [`e${row}`]: delivery.eventType,
          [`p${row}`]: delivery.payload,
        });
        return `(:m${row}, :w${row}, :e${row}, :p${row}, :pending, :zero, :now, :now, :now)`;
      });
      const result = await this.sql.write(
        `INSERT INTO ${DELIVERIES} (message_id, webhook_id, event_type, payload, state, attempts, next_attempt_at, created_at,
           updated_at) VALUES ${values.join(', ')}${returningIds(this.sql.dialect)}`,
        params,
      );
      ids.push(...insertedIds(this.sql.dialect, result, values.length, DELIVERIES));
    }
    return ids;
  }

  async findDelivery(webhookId: number, deliveryId: number): Promise<WebhookDelivery | null> {
    const row = await this.sql.one(
      `SELECT ${DELIVERY_COLUMNS} FROM ${DELIVERIES} WHERE id = :deliveryId AND webhook_id = :webhookId`,
      { webhookId, deliveryId },
    );
    return row === null ? null : toDelivery(row);
  }

  async listDeliveries(webhookId: number, limit: number): Promise<WebhookDelivery[]> {
    const rows = await this.sql.rows(
      `SELECT ${DELIVERY_COLUMNS} FROM ${DELIVERIES} WHERE webhook_id = :webhookId ORDER BY id DESC LIMIT :limit`,
      { webhookId, limit },
    );
    return rows.map(toDelivery);
  }

  async claimDue(now: Date, limit: number, leaseUntil: Date): Promise<ClaimedDelivery[]> {
    const ids = await claimRows(this.sql, {
      table: DELIVERIES,
      key: 'id',
      where: `state = :pending AND next_attempt_at <= :now
         AND webhook_id NOT IN (SELECT id FROM ${HOOKS} WHERE paused_at IS NOT NULL)`,
      params: { pending: 'pending', now: this.time(now) },
      orderBy: 'next_attempt_at, id',
      limit,
    });
    if (ids.length === 0) return [];
    await this.sql.write(
      `UPDATE ${DELIVERIES} SET attempts = attempts + 1, next_attempt_at = :leaseUntil, updated_at = :now
       WHERE id IN (:...ids)`,
      { ids, leaseUntil: this.time(leaseUntil), now: this.time(now) },
    );
    const claimed = await this.sql.rows(
      `SELECT d.id, d.message_id, d.webhook_id, d.event_type, d.payload, d.state, d.attempts, d.next_attempt_at,
         d.last_status_code, d.last_latency_ms, d.last_error, d.created_at, d.updated_at, h.url, h.secret
       FROM ${DELIVERIES} d JOIN ${HOOKS} h ON h.id = d.webhook_id WHERE d.id IN (:...ids) ORDER BY d.id`,
      { ids },
    );
    return claimed.map((row) => ({
      ...toDelivery(row),
      url: requireText(`${HOOKS}.url`, row.url),
      secret: requireText(`${HOOKS}.secret`, row.secret),
    }));
  }

  async recordAttempt(id: number, attempt: AttemptRecord, now: Date): Promise<boolean> {
    const recorded = await this.sql.write(
      `UPDATE ${DELIVERIES} SET state = :state, next_attempt_at = :next, last_status_code = :code,
         last_latency_ms = :latency, last_error = :error, updated_at = :now
       WHERE id = :id AND state = :pending AND attempts = :attempt`,
      {
        id,
        pending: 'pending',
        attempt: attempt.attempt,
        state: attempt.state,
        next: attempt.nextAttemptAt === null ? null : this.time(attempt.nextAttemptAt),
        code: attempt.statusCode,
        latency: attempt.latencyMs,
        error: attempt.error,
        now: this.time(now),
      },
    );
    if (recorded.affected === 0) return false;
    await this.sql.write(
      `INSERT INTO ${ATTEMPTS} (delivery_id, webhook_id, attempt, outcome, status_code, latency_ms, error,
         attempted_at)
       SELECT id, webhook_id, :attempt, :state, :code, :latency, :error, :now FROM ${DELIVERIES} WHERE id = :id`,
      {
        id,
        attempt: attempt.attempt,
        state: attempt.state,
        code: attempt.statusCode,
        latency: attempt.latencyMs,
        error: attempt.error,
        now: this.time(now),
      },
    );
    return true;
  }

  async listAttempts(webhookId: number, deliveryId: number): Promise<DeliveryAttempt[]> {
    const rows = await this.sql.rows(
      `SELECT id, delivery_id, webhook_id, attempt, outcome, status_code, latency_ms, error, attempted_at
       FROM ${ATTEMPTS} WHERE webhook_id = :webhookId AND delivery_id = :deliveryId ORDER BY attempt, id`,
      { webhookId, deliveryId },
    );
    return rows.map(toAttempt);
  }
}

function eventTypes(column: string, text: string): WebhookEventType[] {
  const types = text.split(',').filter((part) => part !== '');
  return types.map((type) => {
    if (!isWebhookEventType(type)) throw new RowParseError(column, text, 'webhook event types');
    return type;
  });
}

function toSubscription(row: Record<string, unknown>): WebhookSubscription {
  return {
    id: requireInteger(`${HOOKS}.id`, row.id),
    url: requireText(`${HOOKS}.url`, row.url),
    events: eventTypes(`${HOOKS}.events`, requireText(`${HOOKS}.events`, row.events)),
    secret: requireText(`${HOOKS}.secret`, row.secret),
    createdAt: requireTimestamp(`${HOOKS}.created_at`, row.created_at),
    pausedAt: parseTimestamp(`${HOOKS}.paused_at`, row.paused_at),
  };
}

const STATES: readonly DeliveryState[] = ['pending', 'delivered', 'failed'];

function toAttempt(row: Record<string, unknown>): DeliveryAttempt {
  return {
    id: requireInteger(`${ATTEMPTS}.id`, row.id),
    deliveryId: requireInteger(`${ATTEMPTS}.delivery_id`, row.delivery_id),
    webhookId: requireInteger(`${ATTEMPTS}.webhook_id`, row.webhook_id),
    attempt: requireInteger(`${ATTEMPTS}.attempt`, row.attempt),
    outcome: requireOneOf(`${ATTEMPTS}.outcome`, STATES, row.outcome),
    statusCode: parseInteger(`${ATTEMPTS}.status_code`, row.status_code),
    latencyMs: parseInteger(`${ATTEMPTS}.latency_ms`, row.latency_ms),
    error: parseText(`${ATTEMPTS}.error`, row.error),
    attemptedAt: requireTimestamp(`${ATTEMPTS}.attempted_at`, row.attempted_at),
  };
}

function toDelivery(row: Record<string, unknown>): WebhookDelivery {
  const eventType = requireText(`${DELIVERIES}.event_type`, row.event_type);
  if (!isDeliveryType(eventType))
    throw new RowParseError(`${DELIVERIES}.event_type`, eventType, 'an event type');
  const id = requireInteger(`${DELIVERIES}.id`, row.id);
  return {
    id,
    // A delivery written before message_id existed was sent with its row id: it keeps it for its retries.
    messageId: parseText(`${DELIVERIES}.message_id`, row.message_id) ?? String(id),
    webhookId: requireInteger(`${DELIVERIES}.webhook_id`, row.webhook_id),
    eventType,
    payload: requireText(`${DELIVERIES}.payload`, row.payload),
    state: requireOneOf(`${DELIVERIES}.state`, STATES, row.state),
    attempts: requireInteger(`${DELIVERIES}.attempts`, row.attempts),
    nextAttemptAt: parseTimestamp(`${DELIVERIES}.next_attempt_at`, row.next_attempt_at),
    lastStatusCode: parseInteger(`${DELIVERIES}.last_status_code`, row.last_status_code),
    lastLatencyMs: parseInteger(`${DELIVERIES}.last_latency_ms`, row.last_latency_ms),
    lastError: parseText(`${DELIVERIES}.last_error`, row.last_error),
    createdAt: requireTimestamp(`${DELIVERIES}.created_at`, row.created_at),
    updatedAt: requireTimestamp(`${DELIVERIES}.updated_at`, row.updated_at),
  };
}
