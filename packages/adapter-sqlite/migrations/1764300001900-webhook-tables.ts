import { applySchemaPlan, WEBHOOK_TABLES, revertSchemaPlan } from '@steptrail/persistence-typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { sqliteSchemaDialect } from './sqlite-schema-dialect.js';

/**
 * The webhook subscriptions and their outbox of deliveries (docs/architecture.md#webhooks): steptrail's own tables,
 * on its own databases and on adopted DocuElevate ones alike. Databases that ran InitialSchema before they existed
 * get them here; on newer ones InitialSchema created them and this finds nothing to do. `down` drops them.
 */
export class WebhookTables1764300001900 implements MigrationInterface {
  name = 'WebhookTables1764300001900';

  async up(runner: QueryRunner): Promise<void> {
    await applySchemaPlan(runner, sqliteSchemaDialect, WEBHOOK_TABLES);
  }

  async down(runner: QueryRunner): Promise<void> {
    await revertSchemaPlan(runner, sqliteSchemaDialect, WEBHOOK_TABLES);
  }
}
