import {
  applySchemaPlan,
  revertPlanAdditions,
  WEBHOOK_MESSAGE_ID_ADDITIONS,
} from '@steptrail/persistence-typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { postgresSchemaDialect } from './postgres-schema-dialect.js';

/**
 * steptrail_webhook_deliveries.message_id, the webhook-id header that is unique for ever
 * (docs/architecture.md#webhook-ids); nullable, so no stored row changes: an older delivery keeps its row id.
 */
export class WebhookMessageIds1764600000000 implements MigrationInterface {
  name = 'WebhookMessageIds1764600000000';

  async up(runner: QueryRunner): Promise<void> {
    await applySchemaPlan(runner, postgresSchemaDialect);
  }

  async down(runner: QueryRunner): Promise<void> {
    await revertPlanAdditions(runner, postgresSchemaDialect, WEBHOOK_MESSAGE_ID_ADDITIONS);
  }
}
