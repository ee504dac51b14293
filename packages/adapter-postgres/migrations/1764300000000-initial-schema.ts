import { applySchemaPlan, revertSchemaPlan } from '@steptrail/persistence-typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { postgresSchemaDialect } from './postgres-schema-dialect.js';

/** Creates steptrail's tables, or adopts DocuElevate's by adding only what is missing. */
export class InitialSchema1764300000000 implements MigrationInterface {
  name = 'InitialSchema1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await applySchemaPlan(runner, postgresSchemaDialect);
  }

  async down(runner: QueryRunner): Promise<void> {
    await revertSchemaPlan(runner, postgresSchemaDialect);
  }
}
