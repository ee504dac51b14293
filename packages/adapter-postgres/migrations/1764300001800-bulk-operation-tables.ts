import { applySchemaPlan, revertPlanAdditions, BULK_TABLE_ADDITIONS } from '@steptrail/persistence-typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { postgresSchemaDialect } from './postgres-schema-dialect.js';

/** The tables of bulk retries and deletes (docs/architecture.md#bulk-operations), for databases migrated before. */
export class BulkOperationTables1764300001800 implements MigrationInterface {
  name = 'BulkOperationTables1764300001800';

  async up(runner: QueryRunner): Promise<void> {
    await applySchemaPlan(runner, postgresSchemaDialect);
  }

  async down(runner: QueryRunner): Promise<void> {
    await revertPlanAdditions(runner, postgresSchemaDialect, BULK_TABLE_ADDITIONS);
  }
}
