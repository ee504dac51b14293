import { expect } from 'vitest';
import type { Backend } from './databases.js';
import { databaseName, openSql } from './databases.js';
import { runCli } from './in-process-cli.js';
import { plantLegacyFixture } from './legacy-fixture.js';

export interface LegacyDatabase {
  url: string;
  ids: Map<string, number>;
  /** The file id of a fixture tag. */
  id(tag: string): number;
}

/** A fresh database with DocuElevate's tables and the legacy fixture, and steptrail's schema applied on top. */
export async function migratedLegacyDatabase(backend: Backend, prefix: string): Promise<LegacyDatabase> {
  const url = await backend.freshDatabase(databaseName(prefix));
  const { sql, close } = await openSql(url);
  const ids = await plantLegacyFixture(sql, backend.kind).finally(close);
  const up = await runCli(['schema', 'up'], url);
  expect(up.code, up.stderr).toBe(0);
  return {
    url,
    ids,
    id(tag) {
      const id = ids.get(tag);
      if (id === undefined) throw new Error(`No fixture file tagged ${tag}`);
      return id;
    },
  };
}

/** Runs a command that must succeed with --json and returns its document. */
export async function jsonOf(
  args: readonly string[],
  url: string,
  expectedCode = 0,
): Promise<Record<string, unknown>> {
  const run = await runCli([...args, '--json'], url);
  expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(expectedCode);
  return run.json();
}

/** The seven totals a backfill prints, without run-specific fields. */
export function totalsOf(document: Record<string, unknown>): Record<string, unknown> {
  const keys = [
    'totalFiles',
    'filesMigrated',
    'filesFailed',
    'totalStepsCreated',
    'totalStepsUpdated',
    'totalStepsSkipped',
    'eventsIgnored',
  ];
  return Object.fromEntries(keys.map((key) => [key, document[key]]));
}
