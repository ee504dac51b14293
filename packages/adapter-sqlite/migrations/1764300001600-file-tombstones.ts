import { applySchemaPlan } from '@steptrail/persistence-typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { sqliteSchemaDialect } from './sqlite-schema-dialect.js';

/** `files.deleted_at`: deleting a file leaves a tombstone (docs/architecture.md#deleting-files). */
export class FileTombstones1764300001600 implements MigrationInterface {
  name = 'FileTombstones1764300001600';

  async up(runner: QueryRunner): Promise<void> {
    await applySchemaPlan(runner, sqliteSchemaDialect);
  }

  async down(runner: QueryRunner): Promise<void> {
    if ((await sqliteSchemaDialect.columnNames(runner, 'files')).has('deleted_at'))
      await runner.query(sqliteSchemaDialect.dropColumn('files', 'deleted_at'));
  }
}
