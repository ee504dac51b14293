import { describe, expect, test } from 'vitest';
import { startApi } from '../api-harness.js';
import { expectError, expectJson, post } from '../http.js';
import { registerExternal, type OverallJson } from '../fixtures.js';
import type { SuiteContext } from './suite-context.js';

interface RecordedJson {
  step: { name: string; status: string; attempts: number };
  status: OverallJson;
  logId: number;
  counting: { counts: boolean; reason: string | null };
}

type BatchResultJson =
  | {
      index: number;
      fileId: number | null;
      eventId: string | null;
      result: 'applied' | 'duplicate';
      event: RecordedJson;
    }
  | {
      index: number;
      fileId: number | null;
      eventId: string | null;
      result: 'refused';
      reason: string;
      error: { code: string; message: string; details?: Record<string, unknown> };
    };

interface BatchJson {
  results: BatchResultJson[];
  applied: number;
  duplicates: number;
  refused: number;
}

const COPIES = 20;

/** Idempotent, batched and never-silent event ingestion (docs/architecture.md#idempotent-events). */
export function ingestTests(ctx: SuiteContext): void {
  describe('event ingestion', () => {
    /** The step events since the file was registered (SQLite hands a deleted file's id out again, history kept). */
    const historyOf = async (fileId: number) => {
      type Log = { stepName: string | null; status: string | null; message: string | null };
      const page = await expectJson<{ items: Log[] }>(
        await ctx.api().fetch(`/api/files/${fileId}/logs?limit=500`),
        200,
      );
      const since = page.items.findLastIndex((log) => log.message?.startsWith('File registered') === true);
      return page.items
        .slice(since + 1)
        .filter((log) => log.stepName !== null)
        .map((log) => `${log.stepName}:${log.status}`);
    };

    test(`${COPIES} concurrent copies of one event write one history row and one attempt, and get equal answers`, async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      const body = { eventId: 'celery-t1-hash', stepName: 'hash_file', status: 'in_progress', taskId: 't1' };
      const responses = await Promise.all(
        Array.from({ length: COPIES }, () => api.fetch(`/api/files/${file.id}/events`, post(body))),
      );
      const answers = await Promise.all(
        responses.map(async (response) => ({
          status: response.status,
          replayed: response.headers.get('idempotent-replayed'),
          body: await response.text(),
        })),
      );
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 201));
      expect(new Set(answers.map((answer) => answer.body)).size).toBe(1);
      expect(answers.filter((answer) => answer.replayed === null)).toHaveLength(1);
      expect(answers.filter((answer) => answer.replayed === 'true')).toHaveLength(COPIES - 1);
      const first = JSON.parse(answers[0]?.body ?? '{}') as RecordedJson;
      expect(first.step).toMatchObject({ name: 'hash_file', status: 'in_progress', attempts: 1 });
      expect(await historyOf(file.id)).toEqual(['hash_file:in_progress']);
      const steps = await expectJson<{ steps: Record<string, { attempts: number }> }>(
        await api.fetch(`/api/files/${file.id}/steps`),
        200,
      );
      expect(steps.steps['hash_file']?.attempts).toBe(1);
    });

    test('the Idempotency-Key header is the event id; a different eventId in the body is a 400', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      const body = { stepName: 'hash_file', status: 'success' };
      const key = { 'idempotency-key': '5f0c7a4e-hdr' };
      const first = await expectJson<RecordedJson>(
        await api.fetch(`/api/files/${file.id}/events`, post(body, key)),
        201,
      );
      const again = await api.fetch(
        `/api/files/${file.id}/events`,
        post({ ...body, eventId: '5f0c7a4e-hdr' }, key),
      );
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await expectJson<RecordedJson>(again, 201)).toEqual(first);
      const mismatch = await expectError(
        await api.fetch(`/api/files/${file.id}/events`, post({ ...body, eventId: 'other' }, key)),
        400,
        'VALIDATION_FAILED',
      );
      expect(mismatch.error.message).toMatch(/Idempotency-Key and body\.eventId name different events/);
      expect(await historyOf(file.id)).toEqual(['hash_file:success']);
    });

    test('reusing an event id for a different event is a 409 that says so, and writes nothing', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      const url = `/api/files/${file.id}/events`;
      await expectJson(
        await api.fetch(url, post({ eventId: 'e-1', stepName: 'hash_file', status: 'success' })),
        201,
      );
      const conflict = await expectError(
        await api.fetch(
          url,
          post({ eventId: 'e-1', stepName: 'hash_file', status: 'failure', errorMessage: 'x' }),
        ),
        409,
        'EVENT_ID_CONFLICT',
      );
      expect(conflict.error.message).toMatch(
        /Event id "e-1" of file \d+ was already used for a different event/,
      );
      expect(await historyOf(file.id)).toEqual(['hash_file:success']);
    });

    test('every answer says whether the step counts toward the status, and why not', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      const url = `/api/files/${file.id}/events`;
      const counted = await expectJson<RecordedJson>(
        await api.fetch(url, post({ stepName: 'hash_file', status: 'in_progress' })),
        201,
      );
      expect(counted.counting).toEqual({ counts: true, reason: null });
      const custom = await expectJson<RecordedJson>(
        await api.fetch(url, post({ stepName: 'my_custom_step', status: 'failure', errorMessage: 'boom' })),
        201,
      );
      expect(custom.counting.counts).toBe(false);
      expect(custom.counting.reason).toMatch(/"my_custom_step" is not in workflow "default" \(hash_file, /);
      expect(custom.status).toMatchObject({ status: 'processing', failedSteps: 0 });
    });

    test('a batch answers per event, in order: applied, duplicate, or refused with its reason; nothing else is lost', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api, { workflow: 'short' });
      const { file: other } = await registerExternal(api);
      const future = new Date(Date.now() + 3_600_000).toISOString();
      await expectJson(
        await api.fetch(
          `/api/files/${file.id}/events`,
          post({ eventId: 'b-0', stepName: 'hash_file', status: 'in_progress' }),
        ),
        201,
      );
      const events = [
        { fileId: file.id, eventId: 'b-0', stepName: 'hash_file', status: 'in_progress' },
        { fileId: file.id, eventId: 'b-1', stepName: 'hash_file', status: 'success' },
        { fileId: other.id, stepName: 'check_text', status: 'in_progress' },
        { fileId: file.id, stepName: 'hash_file', status: 'done' },
        { fileId: file.id, stepName: 'extract_text', status: 'success', occurredAt: future },
        { fileId: 2_000_000_000, stepName: 'hash_file', status: 'success' },
        { fileId: file.id, eventId: 'b-1', stepName: 'hash_file', status: 'failure' },
        { fileId: file.id, eventId: 'b-1', stepName: 'hash_file', status: 'success' },
        { fileId: file.id, stepName: 'extract_text', status: 'success' },
      ];
      const answer = await expectJson<BatchJson>(await api.fetch('/api/events', post({ events })), 200);
      expect(
        answer.results.map((r) =>
          r.result === 'refused'
            ? `${r.index} refused ${r.reason} ${r.error.code}`
            : `${r.index} ${r.result} ${r.event.step.name}`,
        ),
      ).toEqual([
        '0 duplicate hash_file',
        '1 applied hash_file',
        '2 applied check_text',
        '3 refused validation UNKNOWN_STATUS',
        '4 refused ordering INVALID_EVENT',
        '5 refused unknown_file FILE_NOT_FOUND',
        '6 refused conflict EVENT_ID_CONFLICT',
        '7 duplicate hash_file',
        '8 applied extract_text',
      ]);
      expect(answer).toMatchObject({ applied: 3, duplicates: 2, refused: 4 });
      expect(answer.results[3]).toMatchObject({ fileId: file.id, eventId: null });
      expect(answer.results[5]).toMatchObject({ fileId: 2_000_000_000 });
      const last = answer.results[8];
      expect(last?.result === 'applied' && last.event.status.status).toBe('completed');
      expect(await historyOf(file.id)).toEqual([
        'hash_file:in_progress',
        'hash_file:success',
        'extract_text:success',
      ]);
      expect(await historyOf(other.id)).toEqual(['check_text:in_progress']);
    });

    test('a strict workflow refuses a step outside it with a 400 that lists its steps, alone and in a batch', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api, { workflow: 'strict' });
      const refused = await expectError(
        await api.fetch(
          `/api/files/${file.id}/events`,
          post({ stepName: 'my_custom_step', status: 'failure' }),
        ),
        400,
        'STEP_NOT_IN_WORKFLOW',
      );
      expect(refused.error.message).toMatch(
        /strict workflow "strict", whose steps are hash_file, extract_text/,
      );
      expect(refused.error.details).toMatchObject({
        workflow: 'strict',
        steps: ['hash_file', 'extract_text'],
      });
      const batch = await expectJson<BatchJson>(
        await api.fetch(
          '/api/events',
          post({
            events: [
              { fileId: file.id, stepName: 'my_custom_step', status: 'success' },
              { fileId: file.id, stepName: 'hash_file', status: 'success' },
            ],
          }),
        ),
        200,
      );
      expect(
        batch.results.map((r) => (r.result === 'refused' ? `${r.reason} ${r.error.code}` : r.result)),
      ).toEqual(['not_in_workflow STEP_NOT_IN_WORKFLOW', 'applied']);
      expect(await historyOf(file.id)).toEqual(['hash_file:success']);
    });

    test('a malformed event in a batch is refused alone, with the problems a single event would get', async () => {
      const api = ctx.api();
      const { file } = await registerExternal(api);
      const events = [
        { fileId: file.id, stepName: 'Hash File', status: 'success' },
        { fileId: file.id, stepName: 'hash_file', status: 'success', colour: 'red' },
        { fileId: 'one', stepName: 'hash_file', status: 'success' },
        { fileId: file.id, stepName: 'hash_file', status: 'success' },
      ];
      const answer = await expectJson<BatchJson>(await api.fetch('/api/events', post({ events })), 200);
      expect(answer.results.map((r) => (r.result === 'refused' ? r.reason : r.result))).toEqual([
        'validation',
        'validation',
        'validation',
        'applied',
      ]);
      const [name, extra, badId] = answer.results;
      expect(name?.result === 'refused' && name.error.code).toBe('INVALID_STEP_NAME');
      expect(extra?.result === 'refused' && extra.error.details?.['problems']).toEqual([
        { path: 'body.events.1.colour', code: 'unrecognized_key', message: 'Unknown field "colour".' },
      ]);
      expect(badId).toMatchObject({ fileId: null, result: 'refused' });
      expect(await historyOf(file.id)).toEqual(['hash_file:success']);
    });

    test('a batch of more than 1,000 events is refused whole with a message that says how to split it', async () => {
      const big = await startApi(ctx.databaseUrl(), { MAX_JSON_BYTES: String(1024 * 1024) });
      try {
        const events = Array.from({ length: 1001 }, () => ({
          fileId: 1,
          stepName: 'hash_file',
          status: 'success',
        }));
        const refused = await expectError(
          await big.fetch('/api/events', post({ events })),
          400,
          'VALIDATION_FAILED',
        );
        expect(refused.error.message).toMatch(/at most 1000 events; split/);
        await expectError(await big.fetch('/api/events', post({ events: [] })), 400, 'VALIDATION_FAILED');
      } finally {
        await big.close();
      }
    });
  });
}
