import type { MigrationInterface, QueryRunner } from 'typeorm';
import { queryRows, quoteMysql, textValue } from './mysql-schema-dialect.js';

/**
 * Columns that hold a JSON document steptrail writes: a stored answer replayed byte for byte, a webhook payload.
 * JSON escapes a control character to six bytes, so a 16,383-character error message becomes up to 98 kB: more than
 * TEXT's 65,535 bytes, which failed the write (docs/architecture.md#storable-values).
 */
const DOCUMENT_COLUMNS: ReadonlyArray<readonly [table: string, column: string]> = [
  ['steptrail_event_receipts', 'outcome'],
  ['steptrail_webhook_deliveries', 'payload'],
];

async function columnType(runner: QueryRunner, table: string, column: string): Promise<string | null> {
  const rows = await queryRows(
    runner,
    `SELECT DATA_TYPE AS data_type FROM information_schema.COLUMNS
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?`,
    [table, column],
  );
  return rows[0] === undefined ? null : textValue(rows[0].data_type).toLowerCase();
}

/**
 * MEDIUMTEXT (16 MB) for the document columns on MySQL/MariaDB; SQLite's and PostgreSQL's TEXT has no such limit.
 * Idempotent, like every MySQL migration here (DDL does not roll back). `down` returns them to TEXT, which fails
 * while a row holds more than TEXT can.
 */
export class DocumentColumns1764500000000 implements MigrationInterface {
  name = 'DocumentColumns1764500000000';

  async up(runner: QueryRunner): Promise<void> {
    await retype(runner, 'text', 'MEDIUMTEXT');
  }

  async down(runner: QueryRunner): Promise<void> {
    await retype(runner, 'mediumtext', 'TEXT');
  }
}

async function retype(runner: QueryRunner, from: string, to: string): Promise<void> {
  for (const [table, column] of DOCUMENT_COLUMNS) {
    if ((await columnType(runner, table, column)) !== from) continue;
    await runner.query(`ALTER TABLE ${quoteMysql(table)} MODIFY ${quoteMysql(column)} ${to} NOT NULL`);
  }
}
