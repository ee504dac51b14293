import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStoreError } from '@steptrail/domain';
import { SqlExecutor } from '@steptrail/persistence-typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { createSqliteDataSource, sqliteDialect } from '../src/index.js';

describe('SQLite driver errors surface as domain store errors', () => {
  let directory: string;
  let dataSource: DataSource;
  let sql: SqlExecutor;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'steptrail-errors-'));
    dataSource = await createSqliteDataSource({ path: join(directory, 'errors.db') }).initialize();
    await dataSource.runMigrations();
    sql = new SqlExecutor(dataSource, sqliteDialect(), null);
    await sql.write(
      `INSERT INTO files (id, filehash, local_filename, file_size, is_duplicate, created_at) VALUES (1, 'h', '/f', 1, 0, '2024-01-01 00:00:00')`,
    );
  });
  afterAll(async () => {
    await dataSource.destroy();
    rmSync(directory, { recursive: true, force: true });
  });

  it('a second row for the same file and step is a unique_violation', async () => {
    const insert = `INSERT INTO file_processing_steps (file_id, step_name, status) VALUES (1, 'hash_file', 'pending')`;
    await sql.write(insert);
    const error = await sql.write(insert).catch((caught: unknown) => caught);
    expect(isStoreError(error, 'unique_violation')).toBe(true);
  });

  it('a step row for a file that does not exist is a foreign_key_violation', async () => {
    const error = await sql
      .write(
        `INSERT INTO file_processing_steps (file_id, step_name, status) VALUES (999, 'hash_file', 'pending')`,
      )
      .catch((caught: unknown) => caught);
    expect(isStoreError(error, 'foreign_key_violation')).toBe(true);
  });
});
