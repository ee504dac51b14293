import { inject } from 'vitest';
import type { TestServerSkipReasons } from './provided-context.js';

export interface BackendUrls {
  readonly postgres: string | null;
  readonly mysql: string | null;
  readonly skipReason: TestServerSkipReasons;
}

const noGlobalSetup =
  'the test-servers globalSetup did not run for this file (only *.int.test.ts and *.e2e.test.ts files get servers)';

/**
 * The database servers of this run, for `describe.skipIf(urls.postgres === null)(...)`. Lives apart from the
 * package index because vitest's inject only works inside a test worker.
 */
export function backendUrls(): BackendUrls {
  // inject's types say the value is always there; at run time it is undefined when no globalSetup provided it.
  const postgres: string | null | undefined = inject('postgresUrl');
  const mysql: string | null | undefined = inject('mysqlUrl');
  const reasons: TestServerSkipReasons | undefined = inject('testServerSkipReasons');
  return {
    postgres: postgres ?? null,
    mysql: mysql ?? null,
    skipReason: {
      postgres: postgres === undefined ? noGlobalSetup : (reasons?.postgres ?? null),
      mysql: mysql === undefined ? noGlobalSetup : (reasons?.mysql ?? null),
    },
  };
}

/** A describe title that says why its tests were skipped, so the reason shows in every report. */
export function titleWithSkipReason(title: string, skipReason: string | null): string {
  return skipReason === null ? title : `${title} (skipped: ${skipReason})`;
}
