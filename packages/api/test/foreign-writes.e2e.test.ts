import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_WORKFLOW,
  OVERALL_STATUSES,
  computeOverallStatus,
  fileWorkflow,
  type OverallStatusResult,
} from '@steptrail/domain';
import { migrateToLatest, parseDatabaseUrl } from '@steptrail/runtime';
import { createDatabase } from '@steptrail/test-servers';
import { AppProcess } from '@steptrail/test-servers/app-process';
import { backendUrls, titleWithSkipReason } from '@steptrail/test-servers/backend-urls';
import { docuElevateSchemaMissing } from '@steptrail/test-servers/docuelevate-schema';
import {
  DocuElevateWriter,
  createDocuElevateSchema,
  openRawConnection,
} from '@steptrail/test-servers/docuelevate-writer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SseClient } from './support/sse-client.js';
import { API_MAIN as main } from './support/app-entries.js';

// docs/architecture.md#foreign-writes: DocuElevate's tasks keep writing while steptrail's API runs as a process.

const urls = backendUrls();
const schemaMissing = docuElevateSchemaMissing();
/** The deadline the issue sets for a foreign write to show everywhere. */
const DEADLINE_MS = 2000;

const backends = [
  { name: 'SQLite', url: () => `sqlite:${join(scratch(), 'docuelevate.db')}`, skip: null },
  {
    name: 'PostgreSQL',
    url: () => createDatabase(urls.postgres ?? '', 'steptrail_foreign_writes'),
    skip: urls.skipReason.postgres,
  },
  {
    name: 'MariaDB',
    url: () => createDatabase(urls.mysql ?? '', 'steptrail_foreign_writes'),
    skip: urls.skipReason.mysql,
  },
] as const;

const scratchDirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'steptrail-foreign-'));
  scratchDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The raw target of a DATABASE_URL: a SQLite path, or the server URL as it is. */
const rawTarget = (url: string) => (url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url);

async function startApi(
  databaseUrl: string,
  processedDir: string,
): Promise<{ app: AppProcess; url: string }> {
  const app = new AppProcess(
    main,
    {
      DATABASE_URL: databaseUrl,
      PROCESSED_DIR: processedDir,
      PORT: '0',
      LOG_LEVEL: 'info',
      COUNTS_MAX_AGE_MS: '250',
      EVENTS_POLL_MS: '100',
    },
    scratch(),
  );
  const [, url] = await app.waitForOutput(/"url":"(http:\/\/[^"]+)"[^\n]*"msg":"API listening"/);
  return { app, url: url ?? '' };
}

/** Polls `check` (which throws while things differ) until it passes or the deadline is over. */
async function within<T>(ms: number, check: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** The `steptrail_files{status="…"}` gauges of a Prometheus scrape, by status. */
function metricCounts(scrape: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of scrape.matchAll(/^steptrail_files\{status="([a-z_]+)"\} (\d+)$/gm))
    counts[match[1] ?? ''] = Number(match[2]);
  return counts;
}

const countsOf = (result: OverallStatusResult) => ({
  status: result.status,
  hasErrors: result.hasErrors,
  totalSteps: result.totalSteps,
  completedSteps: result.completedSteps,
  failedSteps: result.failedSteps,
  inProgressSteps: result.inProgressSteps,
  skippedSteps: result.skippedSteps,
});

describe.each(backends)('foreign writes on $name', (backend) => {
  const skip = schemaMissing ?? backend.skip;
  describe.skipIf(skip !== null)(titleWithSkipReason('the API notices them', skip), () => {
    let databaseUrl = '';
    let writer: DocuElevateWriter;
    let api: { app: AppProcess; url: string };
    let live: SseClient;
    const processedDir = scratch();

    beforeAll(async () => {
      databaseUrl = await backend.url();
      writer = new DocuElevateWriter(await openRawConnection(rawTarget(databaseUrl)));
      await createDocuElevateSchema(writer.connection);
      const target = parseDatabaseUrl(databaseUrl, process.cwd());
      if (!target.ok) throw new Error(target.error.message);
      await migrateToLatest(target.value);
      api = await startApi(databaseUrl, processedDir);
      live = await SseClient.connect(`${api.url}/api/events`);
      await live.waitFor((event) => event.event === 'ready');
    });

    afterAll(async () => {
      live?.close();
      if (process.env.DEBUG_FOREIGN) console.log(api?.app.stdout, api?.app.stderr);
      await api?.app.stop();
      await writer?.connection.close();
    });

    /** The domain's computation over the stored rows: what every view must show for the file. */
    async function expected(fileId: number): Promise<OverallStatusResult | null> {
      const [file] = await writer.connection.rows(
        'SELECT is_duplicate, managed, workflow, workflow_plan FROM files WHERE id = ? AND deleted_at IS NULL',
        [fileId],
      );
      if (file === undefined) return null;
      const isDuplicate = file.is_duplicate === true || Number(file.is_duplicate) === 1;
      const text = (value: unknown) => (typeof value === 'string' ? value : null);
      return computeOverallStatus({
        isDuplicate,
        managed: file.managed === true || Number(file.managed) === 1,
        workflow: fileWorkflow(text(file.workflow), text(file.workflow_plan)).workflow,
        steps: await writer.stepRows(fileId),
      });
    }

    async function expectedCounts(): Promise<Record<string, number>> {
      const counts: Record<string, number> = Object.fromEntries(
        OVERALL_STATUSES.map((status) => [status, 0]),
      );
      for (const row of await writer.connection.rows('SELECT id FROM files WHERE deleted_at IS NULL')) {
        const result = await expected(Number(row.id));
        if (result !== null) counts[result.status] = (counts[result.status] ?? 0) + 1;
      }
      return counts;
    }

    /** Every view agrees with the domain within the deadline: status, filter, counts, and the latest `file` event. */
    async function agreesWithin(fileId: number, ms = DEADLINE_MS): Promise<void> {
      await within(ms, async () => {
        const want = await expected(fileId);
        const statusResponse = await fetch(`${api.url}/api/files/${fileId}/status`);
        const fileEvents = live.events.filter(
          (event) => event.event === 'file' && Number(event.data.fileId) === fileId,
        );
        if (want === null) {
          expect(statusResponse.status).toBe(404);
          const everything = (await (await fetch(`${api.url}/api/files?limit=200`)).json()) as {
            items: Array<{ id: number }>;
            counts: Record<string, number>;
          };
          expect(everything.items.map((item) => Number(item.id))).not.toContain(fileId);
          expect(everything.counts).toEqual(await expectedCounts());
          expect(metricCounts(await (await fetch(`${api.url}/metrics`)).text())).toEqual(
            await expectedCounts(),
          );
          // A live dashboard drops the file: its last `file` event says it is gone.
          expect(fileEvents.at(-1)?.data).toEqual({ fileId, deleted: true });
          return;
        }
        expect(statusResponse.status).toBe(200);
        expect(await statusResponse.json()).toMatchObject(countsOf(want));
        const filtered = (await (
          await fetch(`${api.url}/api/files?status=${want.status}&limit=200`)
        ).json()) as { items: Array<{ id: number }>; counts: Record<string, number> };
        expect(filtered.items.map((item) => Number(item.id))).toContain(fileId);
        expect(filtered.counts).toEqual(await expectedCounts());
        expect(fileEvents.at(-1)?.data).toMatchObject(countsOf(want));
      });
    }

    test('each kind of DocuElevate write shows in /status, the filters, the counts and the live stream within 2 s', async () => {
      const original = await writer.newFile('original');
      await agreesWithin(original);
      const fileId = await writer.newFile('foreign-1');
      await agreesWithin(fileId);
      await writer.progress(fileId, 'hash_file', 'in_progress', 'Hashing');
      await agreesWithin(fileId);
      await writer.progress(fileId, 'hash_file', 'success', 'Hash computed');
      await writer.addUploadSteps(fileId, ['dropbox']);
      await agreesWithin(fileId);
      // steptrail's own write in between stays exact at once.
      const own = await fetch(`${api.url}/api/files/${fileId}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ stepName: 'create_file_record', status: 'success' }),
      });
      expect(own.status).toBe(201);
      expect(await (await fetch(`${api.url}/api/files/${fileId}/status`)).json()).toMatchObject(
        countsOf(
          (await expected(fileId)) ??
            computeOverallStatus({
              isDuplicate: false,
              managed: false,
              workflow: DEFAULT_WORKFLOW,
              steps: [],
            }),
        ),
      );
      await writer.progress(fileId, 'check_text', 'failure', 'OCR engine unavailable');
      await agreesWithin(fileId);
      const copy = await writer.newFile('foreign-copy');
      await writer.progress(copy, 'hash_file', 'in_progress');
      await agreesWithin(copy);
      await writer.markDuplicate(copy, original);
      await agreesWithin(copy);
      await writer.deleteFile(fileId);
      await agreesWithin(fileId);
      await agreesWithin(original);
    });

    test("a file's DocuElevate workflow plan decides its status; a malformed one falls back with a history note", async () => {
      const plan = JSON.stringify({
        version: 1,
        steps: [{ step_type: 'ocr', stages: ['check_text', 'extract_text'] }],
      });
      const planned = await writer.newFile('planned', {
        workflowPlan: plan,
        steps: ['create_file_record', 'check_text', 'extract_text'],
      });
      for (const step of ['create_file_record', 'check_text', 'extract_text'])
        await writer.progress(planned, step, 'success');
      await agreesWithin(planned);
      // The plan's last stage is its terminal step: done, where the default workflow would still wait.
      expect(await (await fetch(`${api.url}/api/files/${planned}/status`)).json()).toMatchObject({
        status: 'completed',
      });
      const broken = await writer.newFile('broken-plan', { workflowPlan: '{"version": 1, "steps": "ocr"}' });
      await agreesWithin(broken);
      const history = (await (await fetch(`${api.url}/api/files/${broken}/logs`)).json()) as {
        items: Array<{ message: string | null }>;
      };
      expect(history.items.map((item) => item.message)).toContain(
        'files.workflow_plan cannot be read ("steps" is not a list); the default workflow applies.',
      );
    });

    test('DELETE /api/files/:id on the adopted database hides the file from status, lists and counts, and keeps its history readable', async () => {
      const fileId = await writer.newFile('deleted-by-steptrail');
      await writer.progress(fileId, 'hash_file', 'success', 'Hash computed');
      await agreesWithin(fileId);
      const original = await writer.newFile('kept-original');
      await writer.markDuplicate(fileId, original);
      await agreesWithin(fileId);

      // processing_logs.file_id references files(id) here, and the duplicate names its original: nothing blocks it.
      expect((await fetch(`${api.url}/api/files/${original}`, { method: 'DELETE' })).status).toBe(204);

      expect((await fetch(`${api.url}/api/files/${original}/status`)).status).toBe(404);
      await agreesWithin(fileId);
      const everything = (await (await fetch(`${api.url}/api/files?limit=200`)).json()) as {
        items: Array<{ id: number }>;
      };
      expect(everything.items.map((item) => Number(item.id))).not.toContain(original);
      const history = (await (await fetch(`${api.url}/api/files/${original}/logs`)).json()) as {
        items: Array<{ message: string | null }>;
      };
      expect(history.items.map((item) => item.message)).toContain(
        'File deleted: its step rows are removed, this history stays',
      );
      expect((await fetch(`${api.url}/api/files/${original}`, { method: 'DELETE' })).status).toBe(404);
    });

    test("an adopted file's processed document is DocuElevate's files.processed_file_path when it lies inside PROCESSED_DIR", async () => {
      const processed = await writer.newFile('processed-by-docuelevate');
      const path = join(processedDir, `2026-12-07_Invoice_${processed}.pdf`);
      writeFileSync(path, '%PDF-1.7 processed by DocuElevate');
      await writer.connection.commit([
        ['UPDATE files SET processed_file_path = ? WHERE id = ?', [path, processed]],
      ]);
      const response = await fetch(`${api.url}/api/files/${processed}/download/processed`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('%PDF-1.7 processed by DocuElevate');
      expect(response.headers.get('content-disposition')).toContain(`2026-12-07_Invoice_${processed}.pdf`);

      // A path outside PROCESSED_DIR is never served, whatever the column says.
      const elsewhere = await writer.newFile('processed-elsewhere');
      const outside = join(scratch(), 'secret.pdf');
      writeFileSync(outside, 'not for download');
      await writer.connection.commit([
        ['UPDATE files SET processed_file_path = ? WHERE id = ?', [outside, elsewhere]],
      ]);
      const refused = await fetch(`${api.url}/api/files/${elsewhere}/download/processed`);
      expect(refused.status).toBe(404);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('CONTENT_NOT_FOUND');
    });

    test('a reconciler killed mid-way (kill -9) loses nothing: the next process brings every file up to date', async () => {
      const files: number[] = [];
      for (let index = 0; index < 20; index += 1) {
        const fileId = await writer.newFile(`burst-${index}`);
        await writer.progress(fileId, 'hash_file', index % 2 === 0 ? 'success' : 'failure', 'burst');
        files.push(fileId);
      }
      api.app.signal('SIGKILL');
      await api.app.exited;
      live.close();
      api = await startApi(databaseUrl, processedDir);
      live = await SseClient.connect(`${api.url}/api/events`);
      // The dead process's lease must lapse first (10 s), then one pass brings everything up to date.
      for (const fileId of files) await agreesWithinRollup(fileId, 20_000);
    });

    /** /status and the filter agree (the live stream started after the writes, so it has nothing to say). */
    async function agreesWithinRollup(fileId: number, ms: number): Promise<void> {
      await within(ms, async () => {
        const want = await expected(fileId);
        expect(await (await fetch(`${api.url}/api/files/${fileId}/status`)).json()).toMatchObject(
          countsOf(
            want ??
              computeOverallStatus({
                isDuplicate: false,
                managed: false,
                workflow: DEFAULT_WORKFLOW,
                steps: [],
              }),
          ),
        );
      });
    }
  });
});
