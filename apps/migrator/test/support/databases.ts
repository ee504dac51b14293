import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrationDataSource, parseDatabaseUrl } from '@steptrail/runtime';
import { createDatabase } from '@steptrail/test-servers';
import { backendUrls, titleWithSkipReason } from '@steptrail/test-servers/backend-urls';
import { SqlRunner } from '../../src/sql/sql-runner.js';
import {
  docuElevateSchemaMissing,
  type SchemaKind as BackendKind,
} from '@steptrail/test-servers/docuelevate-schema';

export type { BackendKind };

export interface Backend {
  kind: BackendKind;
  /** For describe titles: names the backend and, when skipped, why. */
  title: string;
  skip: boolean;
  /** A new, empty database of this backend; returns its DATABASE_URL. */
  freshDatabase(name: string): Promise<string>;
}

let sqliteDir: string | null = null;

/**
 * SQLite always; PostgreSQL and MariaDB when the test servers run (otherwise skipped with the reason). Every test
 * here starts from DocuElevate's real schema: without it, each backend is skipped with that reason.
 */
export function backends(): Backend[] {
  const urls = backendUrls();
  const missing = docuElevateSchemaMissing();
  const server = (
    kind: 'postgres' | 'mysql',
    label: string,
    url: string | null,
    reason: string | null,
  ): Backend => ({
    kind,
    title: titleWithSkipReason(label, reason ?? missing),
    skip: url === null || missing !== null,
    freshDatabase: (name) => createDatabase(url ?? '', name),
  });
  return [
    {
      kind: 'sqlite',
      title: titleWithSkipReason('SQLite', missing),
      skip: missing !== null,
      freshDatabase: async (name) => {
        sqliteDir ??= mkdtempSync(join(tmpdir(), 'steptrail-migrator-'));
        return `sqlite:${join(sqliteDir, `${name}-${Date.now().toString(36)}.db`)}`;
      },
    },
    server('postgres', 'PostgreSQL', urls.postgres, urls.skipReason.postgres),
    server('mysql', 'MariaDB', urls.mysql, urls.skipReason.mysql),
  ];
}

/** A raw SQL connection to a database, for planting fixtures and reading rows back. */
export async function openSql(url: string): Promise<{ sql: SqlRunner; close: () => Promise<void> }> {
  const target = parseDatabaseUrl(url, process.cwd());
  if (!target.ok) throw new Error(target.error.message);
  const dataSource = await (await migrationDataSource(target.value)).initialize();
  return { sql: new SqlRunner(dataSource), close: () => dataSource.destroy() };
}

/** A database name unique to this run, valid on every server. */
export function databaseName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`.toLowerCase();
}
