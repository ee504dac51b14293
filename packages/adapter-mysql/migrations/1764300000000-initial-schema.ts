import { applySchemaPlan, revertSchemaPlan } from '@steptrail/persistence-typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { restoreForeignKeyIndexes } from './foreign-key-indexes.js';
import { mysqlSchemaDialect } from './mysql-schema-dialect.js';

/**
 * Creates steptrail's tables, or adopts DocuElevate's by adding only what is missing. MySQL commits every DDL
 * statement on its own, so nothing here is atomic: each step checks what exists first, and a run that failed
 * half-way is finished by running it again.
 */
export class InitialSchema1764300000000 implements MigrationInterface {
  name = 'InitialSchema1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await applySchemaPlan(runner, mysqlSchemaDialect);
  }

  async down(runner: QueryRunner): Promise<void> {
    await restoreForeignKeyIndexes(runner);
    await revertSchemaPlan(runner, mysqlSchemaDialect);
  }
}
