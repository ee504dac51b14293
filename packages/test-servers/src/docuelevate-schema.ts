// DocuElevate's real schema as the one fixture of every adoption test and of the migration check. Node-side, free of
// vitest: scripts load it from dist as well.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTestServerEnv } from './env.js';

export type SchemaKind = 'sqlite' | 'postgres' | 'mysql';

/** `../shared/docuelevate-schema` beside the repository, where CI checks shared/ out (this file is 3 folders deep). */
export const DOCUELEVATE_SCHEMA_DIR = join(
  resolve(fileURLToPath(import.meta.url), '../../../..'),
  '..',
  'shared',
  'docuelevate-schema',
);

const FILES = { sqlite: 'sqlite.sql', postgres: 'postgresql.sql' } as const;

/**
 * Why the fixture cannot be used here, for a skip message; null when it is there. Under CI=true a missing fixture
 * is an error: the adoption tests must not pass by being skipped.
 */
export function docuElevateSchemaMissing(): string | null {
  if (Object.values(FILES).every((file) => existsSync(join(DOCUELEVATE_SCHEMA_DIR, file)))) return null;
  const reason = `DocuElevate's schema is not at ${DOCUELEVATE_SCHEMA_DIR} (shared/ belongs beside the repository)`;
  if (readTestServerEnv().ci) throw new Error(reason);
  return reason;
}

export interface DocuElevateSchemaOptions {
  /**
   * PostgreSQL only: naive `TIMESTAMP WITHOUT TIME ZONE` columns, as DocuElevate declared DateTime before it used
   * DateTime(timezone=True); older installations still have them.
   */
  naiveTimestamps?: boolean;
}

/**
 * Every statement that builds an empty DocuElevate database of `kind`, in dependency order (all 49 tables on SQLite
 * and PostgreSQL; MySQL gets the translation below), followed by the `tenants` and `tribes` rows that `files` rows
 * reference by default, as a DocuElevate installation has them.
 */
export function docuElevateStatements(kind: SchemaKind, options: DocuElevateSchemaOptions = {}): string[] {
  const ddl = kind === 'mysql' ? mysqlTranslation() : statementsOf(kind);
  const spelled =
    kind === 'postgres' && options.naiveTimestamps === true
      ? ddl.map((statement) =>
          statement.replaceAll('TIMESTAMP WITH TIME ZONE', 'TIMESTAMP WITHOUT TIME ZONE'),
        )
      : ddl;
  return [
    ...spelled,
    "INSERT INTO tenants (id, name) VALUES ('default', 'Default')",
    "INSERT INTO tribes (id, tenant_id, name) VALUES ('default-quarantine', 'default', 'Quarantine')",
  ];
}

/** The statements of one of the two DDL files; each ends with a semicolon at the end of a line. */
function statementsOf(kind: keyof typeof FILES): string[] {
  const missing = docuElevateSchemaMissing();
  if (missing !== null) throw new Error(missing);
  return readFileSync(join(DOCUELEVATE_SCHEMA_DIR, FILES[kind]), 'utf8')
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '');
}

/** The tables MySQL adoption needs: steptrail's three and the two that `files` rows reference by default. */
const MYSQL_TABLES = ['tenants', 'tribes', 'files', 'file_processing_steps', 'processing_logs'];

/**
 * DocuElevate's models do not compile for MySQL (String without a length), so no DocuElevate MySQL database exists;
 * this is the PostgreSQL DDL of MYSQL_TABLES (and their indexes) translated the way SQLAlchemy's MySQL dialect would
 * spell it, had the models given lengths: SERIAL → INTEGER AUTO_INCREMENT, VARCHAR without a length → VARCHAR(255),
 * TIMESTAMP WITH TIME ZONE → DATETIME (MySQL has no zoned type; SQLAlchemy's DateTime is DATETIME there). Foreign
 * keys to tables outside MYSQL_TABLES (pipelines, routing rules) are left out with those tables.
 */
function mysqlTranslation(): string[] {
  const tableOf = (statement: string) =>
    /^CREATE (?:UNIQUE )?(?:TABLE|INDEX \w+ ON) (\w+)/.exec(statement)?.[1];
  return statementsOf('postgres')
    .filter((statement) => MYSQL_TABLES.includes(tableOf(statement) ?? ''))
    .map((statement) =>
      statement
        .replaceAll('SERIAL NOT NULL', 'INTEGER NOT NULL AUTO_INCREMENT')
        .replace(/\bVARCHAR\b(?!\()/g, 'VARCHAR(255)')
        .replaceAll('TIMESTAMP WITH TIME ZONE', 'DATETIME')
        .replace(/,\s*FOREIGN KEY\(\w+\) REFERENCES (\w+) \(id\)[^,\n]*/g, (clause, parent: string) =>
          MYSQL_TABLES.includes(parent) ? clause : '',
        ),
    );
}
