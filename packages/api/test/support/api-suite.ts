import { titleWithSkipReason } from '@steptrail/test-servers/backend-urls';
import { afterAll, beforeAll, describe } from 'vitest';
import { removeScratchDirs, startApi, type Backend, type RunningApi } from './api-harness.js';
import { authTests } from './suite/auth.suite.js';
import { bulkTests } from './suite/bulk.suite.js';
import { downloadTests } from './suite/downloads.suite.js';
import { errorTests } from './suite/errors.suite.js';
import { fileTests } from './suite/files.suite.js';
import { hostileInputTests } from './suite/hostile-input.suite.js';
import { insightTests } from './suite/insights.suite.js';
import { ingestTests } from './suite/ingest.suite.js';
import { liveEventTests } from './suite/live-events.suite.js';
import { operationsTests } from './suite/operations.suite.js';
import { searchTests } from './suite/search.suite.js';
import { stallTests } from './suite/stalls.suite.js';
import { stepTests } from './suite/steps.suite.js';
import { uploadFaultTests } from './suite/upload-faults.suite.js';
import { SUITE_ENV, type SuiteContext } from './suite/suite-context.js';

/**
 * The API's e2e suite over real HTTP, the same for every backend: one API per backend run on a fresh database,
 * plus instances of its own for auth and shutdown. Tests create their own files and depend on no other test.
 */
export function describeApiSuite(backend: Backend, skipReason: string | null = null): void {
  describe.skipIf(skipReason !== null)(
    titleWithSkipReason(`API over HTTP on ${backend.name}`, skipReason),
    () => {
      let api: RunningApi | undefined;
      let databaseUrl: string | null = null;
      beforeAll(async () => {
        databaseUrl = await backend.prepare(`steptrail_api_${backend.name}`);
        api = await startApi(databaseUrl, SUITE_ENV);
      });
      afterAll(async () => {
        await api?.close();
        removeScratchDirs();
      });
      const ctx: SuiteContext = {
        backend,
        api: () => {
          if (api === undefined) throw new Error('the API did not start');
          return api;
        },
        databaseUrl: () => databaseUrl,
      };
      fileTests(ctx);
      stepTests(ctx);
      ingestTests(ctx);
      errorTests(ctx);
      hostileInputTests(ctx);
      uploadFaultTests(ctx);
      liveEventTests(ctx);
      authTests(ctx);
      operationsTests(ctx);
      searchTests(ctx);
      insightTests(ctx);
      stallTests(ctx);
      bulkTests(ctx);
      downloadTests(ctx);
    },
  );
}
