import { applySchemaPlan, RECEIPTS_TABLE, revertSchemaPlan } from '@steptrail/persistence-typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { sqliteSchemaDialect } from './sqlite-schema-dialect.js';

/**
 * The receipts of events with a client-chosen id (docs/architecture.md#idempotent-events): a table steptrail owns,
 * on its own databases and on adopted DocuElevate ones alike. Databases that ran InitialSchema before it existed get
 * it here; on newer ones InitialSchema created it and this finds nothing to do. `down` drops it.
 */
export class EventReceipts1764300001500 implements MigrationInterface {
  name = 'EventReceipts1764300001500';

  async up(runner: QueryRunner): Promise<void> {
    await applySchemaPlan(runner, sqliteSchemaDialect, [RECEIPTS_TABLE]);
  }

  async down(runner: QueryRunner): Promise<void> {
    await revertSchemaPlan(runner, sqliteSchemaDialect, [RECEIPTS_TABLE]);
  }
}
