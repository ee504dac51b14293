import { REMOVAL_NOTE } from '@steptrail/domain';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A trigger that writes a history note when another program deletes a file row, so live clients hear of it
 * (docs/architecture.md#foreign-deletes). steptrail itself never deletes a file row (it leaves a tombstone), so only
 * foreign deletes fire it. The note's time is UTC in whichever type the adopted `timestamp` column has. Running it
 * again replaces the function and the trigger.
 */
export class ForeignRemovalNotes1764600000100 implements MigrationInterface {
  name = 'ForeignRemovalNotes1764600000100';

  async up(runner: QueryRunner): Promise<void> {
    const [column] = (await runner.query(
      `SELECT data_type FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'processing_logs' AND column_name = 'timestamp'`,
    )) as Array<{ data_type: string }>;
    const now = column?.data_type === 'timestamp without time zone' ? "(now() AT TIME ZONE 'UTC')" : 'now()';
    await runner.query(`CREATE OR REPLACE FUNCTION steptrail_file_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO processing_logs (file_id, task_id, step_name, status, message, detail, "timestamp")
  VALUES (NULL, '${REMOVAL_NOTE.taskId}', NULL, NULL,
    '${REMOVAL_NOTE.messagePrefix}' || OLD.id || '${REMOVAL_NOTE.messageSuffix}', OLD.id::text, ${now});
  RETURN NULL;
END
$$`);
    await runner.query('DROP TRIGGER IF EXISTS steptrail_files_removed ON files');
    await runner.query(
      'CREATE TRIGGER steptrail_files_removed AFTER DELETE ON files FOR EACH ROW EXECUTE FUNCTION steptrail_file_removed()',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TRIGGER IF EXISTS steptrail_files_removed ON files');
    await runner.query('DROP FUNCTION IF EXISTS steptrail_file_removed()');
  }
}
