import { applySchemaPlan } from '@steptrail/persistence-typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { mysqlSchemaDialect } from './mysql-schema-dialect.js';

/** `files.deleted_at`: deleting a file leaves a tombstone (docs/architecture.md#deleting-files). */
export class FileTombstones1764300001600 implements MigrationInterface {
  name = 'FileTombstones1764300001600';

  async up(runner: QueryRunner): Promise<void> {
    await applySchemaPlan(runner, mysqlSchemaDialect);
  }

  async down(runner: QueryRunner): Promise<void> {
    if ((await mysqlSchemaDialect.columnNames(runner, 'files')).has('deleted_at'))
      await runner.query(mysqlSchemaDialect.dropColumn('files', 'deleted_at'));
  }
}
