import { applySchemaPlan, HEARTBEAT_ADDITIONS, revertPlanAdditions } from '@steptrail/persistence-typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { sqliteSchemaDialect } from './sqlite-schema-dialect.js';

/**
 * The heartbeat columns of file_processing_steps (docs/architecture.md#stalls): the schema plan applied again adds
 * just them to databases migrated before; nullable, so no stored row changes.
 */
export class StepHeartbeats1764300001700 implements MigrationInterface {
  name = 'StepHeartbeats1764300001700';

  async up(runner: QueryRunner): Promise<void> {
    await applySchemaPlan(runner, sqliteSchemaDialect);
  }

  async down(runner: QueryRunner): Promise<void> {
    await revertPlanAdditions(runner, sqliteSchemaDialect, HEARTBEAT_ADDITIONS);
  }
}
