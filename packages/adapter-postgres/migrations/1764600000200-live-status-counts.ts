import { applySchemaPlan, revertPlanAdditions, LIVE_STATUS_ADDITIONS } from '@steptrail/persistence-typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { postgresSchemaDialect } from './postgres-schema-dialect.js';

/**
 * `files(processing_status, deleted_at)` for the tombstones only: counts per status are the counts of the status
 * index less the deleted files of this one, both read from the indexes alone, where counting the live files looked
 * up every row for its tombstone (docs/architecture.md#status-counts).
 */
export class LiveStatusCounts1764600000200 implements MigrationInterface {
  name = 'LiveStatusCounts1764600000200';

  async up(runner: QueryRunner): Promise<void> {
    await applySchemaPlan(runner, postgresSchemaDialect);
  }

  async down(runner: QueryRunner): Promise<void> {
    await revertPlanAdditions(runner, postgresSchemaDialect, LIVE_STATUS_ADDITIONS);
  }
}
