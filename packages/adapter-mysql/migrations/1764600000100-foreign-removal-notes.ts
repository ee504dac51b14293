import { REMOVAL_NOTE } from '@steptrail/domain';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A trigger that writes a history note when another program deletes a file row, so live clients hear of it
 * (docs/architecture.md#foreign-deletes). steptrail itself never deletes a file row (it leaves a tombstone), so only
 * foreign deletes fire it. Times are stored as UTC (the connection's timezone is 'Z'). MySQL has no
 * `CREATE TRIGGER IF NOT EXISTS` before 8.0.29: drop, then create, so a half-finished run completes when run again.
 */
export class ForeignRemovalNotes1764600000100 implements MigrationInterface {
  name = 'ForeignRemovalNotes1764600000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TRIGGER IF EXISTS steptrail_files_removed');
    await runner.query(`CREATE TRIGGER steptrail_files_removed AFTER DELETE ON files FOR EACH ROW
  INSERT INTO processing_logs (file_id, task_id, step_name, status, message, detail, \`timestamp\`)
  VALUES (NULL, '${REMOVAL_NOTE.taskId}', NULL, NULL,
    CONCAT('${REMOVAL_NOTE.messagePrefix}', OLD.id, '${REMOVAL_NOTE.messageSuffix}'), CAST(OLD.id AS CHAR),
    UTC_TIMESTAMP(6))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TRIGGER IF EXISTS steptrail_files_removed');
  }
}
