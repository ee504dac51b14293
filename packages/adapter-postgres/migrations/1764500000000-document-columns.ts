import type { MigrationInterface } from 'typeorm';

/**
 * On MySQL/MariaDB this widens the columns that hold JSON documents (a stored event answer, a webhook payload) to
 * MEDIUMTEXT (docs/architecture.md#storable-values). PostgreSQL's TEXT holds any length already, so it changes nothing
 * here; it exists so every adapter has the same list of migrations.
 */
export class DocumentColumns1764500000000 implements MigrationInterface {
  name = 'DocumentColumns1764500000000';

  async up(): Promise<void> {}

  async down(): Promise<void> {}
}
