import { applySchemaPlan, revertPlanAdditions } from '@steptrail/persistence-typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { mysqlSchemaDialect } from './mysql-schema-dialect.js';

/**
 * The rollup reconciler's table and the index it finds flipped duplicate marks with
 * (docs/architecture.md#foreign-writes). Applying the plan again adds only what is missing.
 */
export class RollupReconciler1764300001400 implements MigrationInterface {
  name = 'RollupReconciler1764300001400';

  async up(runner: QueryRunner): Promise<void> {
    await applySchemaPlan(runner, mysqlSchemaDialect);
  }

  async down(runner: QueryRunner): Promise<void> {
    await revertPlanAdditions(runner, mysqlSchemaDialect, {
      tables: ['steptrail_reconciler'],
      indexes: [['files', 'ix_files_duplicate_status']],
    });
  }
}
