import { rebuildPartialIndexes } from '@steptrail/persistence-typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { sqliteSchemaDialect } from './sqlite-schema-dialect.js';

/**
 * The worker's indexes hold only the steps it looks for (pending ones to claim, in-progress ones whose lease may
 * expire), not every finished step: smaller, and no index entry to write for the millions of finished steps a
 * backfill inserts. Databases that ran InitialSchema before have them over every row; this builds them again.
 */
export class PartialWorkerIndexes1764300000002 implements MigrationInterface {
  name = 'PartialWorkerIndexes1764300000002';

  async up(runner: QueryRunner): Promise<void> {
    await rebuildPartialIndexes(runner, sqliteSchemaDialect, true);
  }

  async down(runner: QueryRunner): Promise<void> {
    await rebuildPartialIndexes(runner, sqliteSchemaDialect, false);
  }
}
