import {
  applySchemaPlan,
  revertPlanAdditions,
  WEBHOOK_ATTEMPT_ADDITIONS,
} from '@steptrail/persistence-typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { mysqlSchemaDialect } from './mysql-schema-dialect.js';

/**
 * Pausing a webhook subscription (steptrail_webhooks.paused_at) and the delivery log of every attempt
 * (steptrail_webhook_attempts), for databases migrated before (docs/architecture.md#webhooks).
 */
export class WebhookAttempts1764400000100 implements MigrationInterface {
  name = 'WebhookAttempts1764400000100';

  async up(runner: QueryRunner): Promise<void> {
    await applySchemaPlan(runner, mysqlSchemaDialect);
  }

  async down(runner: QueryRunner): Promise<void> {
    await revertPlanAdditions(runner, mysqlSchemaDialect, WEBHOOK_ATTEMPT_ADDITIONS);
  }
}
