import { REMOVAL_NOTE } from '@steptrail/domain';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A trigger that writes a history note when another program deletes a file row, so live clients hear of it
 * (docs/architecture.md#foreign-deletes). steptrail itself never deletes a file row (it leaves a tombstone), so only
 * foreign deletes fire it. `IF NOT EXISTS`: running it again changes nothing.
 */
export class ForeignRemovalNotes1764600000100 implements MigrationInterface {
  name = 'ForeignRemovalNotes1764600000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TRIGGER IF NOT EXISTS steptrail_files_removed AFTER DELETE ON files FOR EACH ROW
BEGIN
  INSERT INTO processing_logs (file_id, task_id, step_name, status, message, detail, "timestamp")
  VALUES (NULL, '${REMOVAL_NOTE.taskId}', NULL, NULL,
    '${REMOVAL_NOTE.messagePrefix}' || OLD.id || '${REMOVAL_NOTE.messageSuffix}', CAST(OLD.id AS TEXT),
    strftime('%Y-%m-%d %H:%M:%f', 'now'));
END`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TRIGGER IF EXISTS steptrail_files_removed');
  }
}
