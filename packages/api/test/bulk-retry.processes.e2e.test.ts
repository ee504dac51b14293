import { BulkOperations, DEFAULT_WORKFLOW, StepTracker, systemClock, type Store } from '@steptrail/domain';
import { openStore, parseDatabaseUrl } from '@steptrail/runtime';
import { AppProcess } from '@steptrail/test-servers/app-process';
import { backendUrls, titleWithSkipReason } from '@steptrail/test-servers/backend-urls';
import { afterAll, describe, expect, test } from 'vitest';
import {
  removeScratchDirs,
  scratchDir,
  serverBackend,
  sqliteBackend,
  type Backend,
} from './support/api-harness.js';
import { API_MAIN as main } from './support/app-entries.js';

afterAll(removeScratchDirs);

const FILES = 500;
const urls = backendUrls();

async function open(databaseUrl: string): Promise<Store> {
  const target = parseDatabaseUrl(databaseUrl, process.cwd());
  if (!target.ok) throw new Error(target.error.message);
  return openStore(target.value);
}

/** FILES files registered by an external pipeline, each with a failed extract_text. */
async function seedFailedFiles(databaseUrl: string, tag: string): Promise<number[]> {
  const store = await open(databaseUrl);
  try {
    const tracker = new StepTracker({ unitOfWork: store.unitOfWork, clock: systemClock });
    const ids: number[] = [];
    for (let index = 0; index < FILES; index += 1) {
      const file = await tracker.registerFile({
        filehash: `${index.toString(16).padStart(8, '0')}${tag}`,
        originalFilename: `${tag}-${index}.pdf`,
        localFilename: `/in/${tag}-${index}.pdf`,
        fileSize: 100,
        mimeType: 'application/pdf',
        workflow: DEFAULT_WORKFLOW,
        managed: false,
      });
      const failed = await tracker.updateStepStatus(file.id, 'extract_text', 'failure', {
        errorMessage: `OCR answered 503 for page ${index}`,
      });
      if (!failed.ok) throw new Error(failed.error.message);
      ids.push(file.id);
    }
    return ids;
  } finally {
    await store.close();
  }
}

async function startApi(databaseUrl: string, env: Record<string, string>) {
  const app = new AppProcess(
    main,
    { DATABASE_URL: databaseUrl, PORT: '0', STORAGE_DIR: scratchDir(), LOG_LEVEL: 'info', ...env },
    scratchDir(),
  );
  const [, url] = await app.waitForOutput(/"url":"(http:\/\/[^"]+)"/);
  return { app, url: url ?? '' };
}

interface Operation {
  id: number;
  state: string;
  done: number;
  skipped: number;
  total: number;
}

const operationAt = async (url: string, id: number): Promise<Operation> =>
  ((await (await fetch(`${url}/api/retries/${id}?limit=1`)).json()) as { operation: Operation }).operation;

function describeKillTest(backend: Backend, skipReason: string | null): void {
  describe.skipIf(skipReason !== null)(
    titleWithSkipReason(`bulk retry on ${backend.name}`, skipReason),
    () => {
      test(`a bulk retry of ${FILES} failed files survives a kill -9 of the API mid-way and retries each exactly once`, async () => {
        const databaseUrl = await backend.prepare(`steptrail_bulk_kill_${backend.name}`);
        if (databaseUrl === null) throw new Error('a process test needs a database another process can open');
        const tag = `bulkkill${Date.now().toString(36)}`;
        const ids = await seedFailedFiles(databaseUrl, tag);

        // Small chunks with a pause, so the kill lands while the operation runs.
        const first = await startApi(databaseUrl, { BULK_CHUNK_SIZE: '10', BULK_PAUSE_MS: '100' });
        let operationId = 0;
        try {
          const dryRun = await fetch(`${first.url}/api/retries`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ filter: { q: tag, status: ['failed'] }, dryRun: true }),
          });
          expect(await dryRun.json()).toMatchObject({ matched: FILES, tooMany: false });
          const started = await fetch(`${first.url}/api/retries`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ filter: { q: tag, status: ['failed'] } }),
          });
          expect(started.status).toBe(202);
          operationId = ((await started.json()) as { operation: Operation }).operation.id;
          for (let attempt = 0; ; attempt += 1) {
            const operation = await operationAt(first.url, operationId);
            if (operation.done >= 100) break;
            if (attempt > 600)
              throw new Error(`the operation did not progress: ${JSON.stringify(operation)}`);
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          first.app.signal('SIGKILL');
          await first.app.exited;
        } finally {
          await first.app.stop();
        }

        const store = await open(databaseUrl);
        try {
          const interrupted = await new BulkOperations({
            unitOfWork: store.unitOfWork,
            reads: store.reads,
            clock: systemClock,
          }).get(operationId);
          if (!interrupted.ok) throw new Error(interrupted.error.message);
          expect(interrupted.value.state).toBe('running');
          expect(interrupted.value.done).toBeGreaterThanOrEqual(100);
          expect(interrupted.value.done).toBeLessThan(FILES);
        } finally {
          await store.close();
        }

        const second = await startApi(databaseUrl, { BULK_CHUNK_SIZE: '50' });
        try {
          for (let attempt = 0; ; attempt += 1) {
            const operation = await operationAt(second.url, operationId);
            if (operation.state === 'completed') {
              expect(operation).toMatchObject({ total: FILES, done: FILES, skipped: 0 });
              break;
            }
            if (attempt > 1500)
              throw new Error(`the operation did not complete: ${JSON.stringify(operation)}`);
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        } finally {
          second.app.signal('SIGTERM');
          await second.app.stop();
        }

        const check = await open(databaseUrl);
        try {
          const results = await check.reads.bulk.results(operationId, 0, FILES + 1);
          expect(results.map((result) => [result.fileId, result.outcome])).toEqual(
            ids.map((id) => [id, 'retried']),
          );
          const logs = await check.reads.logs.listForFiles(ids);
          for (const id of ids) {
            const own = logs.filter((log) => log.fileId === id).map((log) => log.message ?? '');
            expect(
              own.filter((message) => message.startsWith(`Bulk retry operation ${operationId} `)),
            ).toHaveLength(1);
            expect(
              own.filter((message) => message === `Re-queued for retry by bulk operation ${operationId}`),
            ).toHaveLength(1);
          }
          const steps = await check.reads.steps.listForFiles(ids);
          expect(
            steps
              .filter((step) => step.stepName === 'extract_text')
              .every((step) => step.status === 'pending'),
          ).toBe(true);
        } finally {
          await check.close();
        }
      });
    },
  );
}

describeKillTest(sqliteBackend, null);
describeKillTest(serverBackend('postgres', urls.postgres), urls.skipReason.postgres);
describeKillTest(serverBackend('mariadb', urls.mysql), urls.skipReason.mysql);
