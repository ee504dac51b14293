import { applySchemaPlan, revertPlanAdditions, SEARCH_INDEX_ADDITIONS } from '@steptrail/persistence-typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { mysqlSchemaDialect } from './mysql-schema-dialect.js';

/**
 * The indexes behind the file search's filters and orders, the failure triage and the step timings
 * (docs/architecture.md#file-search): the schema plan applied again adds just them to databases migrated before.
 */
export class OperationsSearchIndexes1764300001300 implements MigrationInterface {
  name = 'OperationsSearchIndexes1764300001300';

  async up(runner: QueryRunner): Promise<void> {
    await applySchemaPlan(runner, mysqlSchemaDialect);
  }

  async down(runner: QueryRunner): Promise<void> {
    await revertPlanAdditions(runner, mysqlSchemaDialect, SEARCH_INDEX_ADDITIONS);
  }
}
