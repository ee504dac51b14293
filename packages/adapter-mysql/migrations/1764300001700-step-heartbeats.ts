import { applySchemaPlan, HEARTBEAT_ADDITIONS, revertPlanAdditions } from '@steptrail/persistence-typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { mysqlSchemaDialect } from './mysql-schema-dialect.js';

/**
 * The heartbeat columns of file_processing_steps (docs/architecture.md#stalls): the schema plan applied again adds
 * just them to databases migrated before; nullable, so no stored row changes.
 */
export class StepHeartbeats1764300001700 implements MigrationInterface {
  name = 'StepHeartbeats1764300001700';

  async up(runner: QueryRunner): Promise<void> {
    await applySchemaPlan(runner, mysqlSchemaDialect);
  }

  async down(runner: QueryRunner): Promise<void> {
    await revertPlanAdditions(runner, mysqlSchemaDialect, HEARTBEAT_ADDITIONS);
  }
}
