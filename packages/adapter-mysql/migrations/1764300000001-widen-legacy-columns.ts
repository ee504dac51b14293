import type { MigrationInterface, QueryRunner } from 'typeorm';
import { restoreWidenedColumns, widenLegacyColumns } from './legacy-column-widening.js';

/**
 * Widens what an adopted DocuElevate database declares narrower than steptrail writes: SQLAlchemy's DateTime is a
 * DATETIME of whole seconds (MySQL rounds steptrail's milliseconds away, MariaDB truncates them, and log order
 * (timestamp, id) breaks), and a VARCHAR(255) message refuses longer ones (error 1406). Its own migration, so that
 * databases which already ran InitialSchema get it too. Tables steptrail created itself are already wide enough
 * and are left alone. Like InitialSchema it is not atomic and is finished by running it again.
 */
export class WidenLegacyColumns1764300000001 implements MigrationInterface {
  name = 'WidenLegacyColumns1764300000001';

  async up(runner: QueryRunner): Promise<void> {
    await widenLegacyColumns(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await restoreWidenedColumns(runner);
  }
}
