import type { FoldedStep, NewLogEntry, Repositories, StepWrite } from '@steptrail/domain';
import { describe, expect, it } from 'vitest';
import type { ContractTopic } from './context.js';
import { at, newFile, uniqueTag } from './fixtures.js';
import { dateOf, foldedView, iso, stepRowNamed, stepView, textOf } from './raw-rows.js';

/** A step in its first attempt since second 1, as the fold leaves it. */
const running: FoldedStep = {
  status: 'in_progress',
  startedAt: at(1),
  completedAt: null,
  errorMessage: null,
  attempts: 1,
  lastEvent: null,
};

const logOf = (fileId: number, stepName: string, seconds: number): NewLogEntry => ({
  fileId,
  stepName,
  status: 'failure',
  taskId: null,
  message: 'boom',
  detail: null,
  occurredAt: at(seconds),
});

export const stepsTopic: ContractTopic = (context) => {
  const inTransaction = <T>(work: (repos: Repositories) => Promise<T>): Promise<T> =>
    context.store().unitOfWork.transaction(work);

  describe('steps', () => {
    it('createMissing inserts pending rows for the names without one and returns exactly those names', async () => {
      const file = await context.store().reads.files.create(newFile(uniqueTag()));
      const steps = context.store().reads.steps;

      expect(await steps.createMissing(file.id, ['hash_file', 'check_text'], at(5))).toEqual([
        'hash_file',
        'check_text',
      ]);
      expect(await steps.createMissing(file.id, ['check_text', 'extract_text'], null)).toEqual([
        'extract_text',
      ]);
      expect(await steps.createMissing(file.id, ['hash_file'], null)).toEqual([]);

      const rows = await context.raw().stepRows(file.id);
      expect(rows.map((row) => textOf(row, 'step_name'))).toEqual([
        'hash_file',
        'check_text',
        'extract_text',
      ]);
      for (const row of rows) {
        expect(stepView(row)).toEqual(
          foldedView({
            status: 'pending',
            startedAt: null,
            completedAt: null,
            errorMessage: null,
            attempts: 0,
            lastEvent: null,
          }),
        );
        expect(row).toMatchObject({ file_id: file.id, lease_owner: null, lease_expires_at: null });
      }
      expect(iso(dateOf(stepRowNamed(rows, 'hash_file'), 'run_after'))).toBe(at(5).toISOString());
      expect(dateOf(stepRowNamed(rows, 'extract_text'), 'run_after')).toBeNull();
    });

    it('createMissing never resets a row that already moved on', async () => {
      const file = await context.store().reads.files.create(newFile(uniqueTag()));
      const steps = context.store().reads.steps;
      await steps.createMissing(file.id, ['hash_file'], null);
      const log = await context
        .store()
        .reads.logs.append({ ...logOf(file.id, 'hash_file', 3), status: 'success' });
      const done: FoldedStep = {
        status: 'success',
        startedAt: at(1),
        completedAt: at(3),
        errorMessage: null,
        attempts: 1,
        lastEvent: { occurredAt: log.occurredAt, id: log.id },
      };
      await steps.saveState(file.id, 'hash_file', done);
      const before = await context.raw().stepRows(file.id);

      expect(await steps.createMissing(file.id, ['hash_file'], at(9))).toEqual([]);
      expect(await context.raw().stepRows(file.id)).toEqual(before);
    });

    it('saveState creates a missing row and round-trips every field, lastEvent to the millisecond', async () => {
      const file = await context.store().reads.files.create(newFile(uniqueTag()));
      const log = await context.store().reads.logs.append(logOf(file.id, 'extract_text', 7.891));
      const state: FoldedStep = {
        status: 'failure',
        startedAt: at(1.123),
        completedAt: at(7.891),
        errorMessage: 'OCR failed: ünïcødé, "quotes" and a\nnewline',
        attempts: 3,
        lastEvent: { occurredAt: at(7.891), id: log.id },
      };
      await context.store().reads.steps.saveState(file.id, 'extract_text', state);

      const stored = await context.store().reads.steps.get(file.id, 'extract_text');
      expect(stored).toMatchObject({ ...state, fileId: file.id, stepName: 'extract_text' });
      const rows = await context.raw().stepRows(file.id);
      expect(rows).toHaveLength(1);
      expect(stepView(stepRowNamed(rows, 'extract_text'))).toEqual(foldedView(state));

      const retried: FoldedStep = {
        ...state,
        status: 'pending',
        completedAt: null,
        lastEvent: { occurredAt: at(8), id: log.id },
      };
      await context.store().reads.steps.saveState(file.id, 'extract_text', retried);
      expect(stepView(stepRowNamed(await context.raw().stepRows(file.id), 'extract_text'))).toEqual(
        foldedView(retried),
      );
    });

    it('saveStates writes several rows at once: new and existing, run_after, a lease set, kept or dropped', async () => {
      const file = await context.store().reads.files.create(newFile(uniqueTag(), { managed: true }));
      const write = (stepName: string, overrides: Partial<StepWrite>): StepWrite => ({
        fileId: file.id,
        stepName,
        state: running,
        runAfter: null,
        lease: null,
        ...overrides,
      });
      await context.store().unitOfWork.transaction(async (repos) => {
        await repos.steps.createMissing(file.id, ['hash_file'], at(0));
        await repos.steps.saveStates([
          write('hash_file', { lease: { owner: 'worker-a', expiresAt: at(30) } }),
          write('check_text', { state: { ...running, status: 'pending', attempts: 0 }, runAfter: at(5) }),
        ]);
      });
      const scheduled = stepRowNamed(await context.raw().stepRows(file.id), 'check_text');
      expect(iso(dateOf(scheduled, 'run_after'))).toBe(at(5).toISOString());
      await context
        .store()
        .unitOfWork.transaction((repos) =>
          repos.steps.saveStates([
            write('hash_file', { state: { ...running, attempts: 2 }, lease: 'keep' }),
            write('check_text', { state: { ...running, status: 'success', completedAt: at(6) } }),
          ]),
        );

      const rows = await context.raw().stepRows(file.id);
      expect(rows).toHaveLength(2);
      const kept = stepRowNamed(rows, 'hash_file');
      expect(kept).toMatchObject({ lease_owner: 'worker-a', attempts: 2, run_after: null });
      expect(iso(dateOf(kept, 'lease_expires_at'))).toBe(at(30).toISOString());
      const done = stepRowNamed(rows, 'check_text');
      expect(stepView(done)).toMatchObject({ status: 'success', completedAt: at(6).toISOString() });
      expect(done).toMatchObject({ lease_owner: null, lease_expires_at: null, run_after: null });
    });

    it('saveState keeps the lease of an in_progress step and drops it for any other status', async () => {
      const file = await context.store().reads.files.create(newFile(uniqueTag(), { managed: true }));
      await inTransaction(async (repos) => {
        await repos.steps.saveStates([
          {
            fileId: file.id,
            stepName: 'hash_file',
            state: running,
            runAfter: null,
            lease: { owner: 'worker-a', expiresAt: at(31.5) },
          },
        ]);
      });
      await context.store().reads.steps.saveState(file.id, 'hash_file', { ...running, attempts: 2 });
      const leased = stepRowNamed(await context.raw().stepRows(file.id), 'hash_file');
      expect(textOf(leased, 'lease_owner')).toBe('worker-a');
      expect(iso(dateOf(leased, 'lease_expires_at'))).toBe(at(31.5).toISOString());

      await context
        .store()
        .reads.steps.saveState(file.id, 'hash_file', { ...running, status: 'success', completedAt: at(2) });
      expect(stepRowNamed(await context.raw().stepRows(file.id), 'hash_file')).toMatchObject({
        status: 'success',
        lease_owner: null,
        lease_expires_at: null,
      });
    });

    it('schedule without override changes only an unscheduled pending step; override reschedules a pending one', async () => {
      const file = await context.store().reads.files.create(newFile(uniqueTag(), { managed: true }));
      const steps = context.store().reads.steps;
      await steps.createMissing(file.id, ['hash_file', 'check_text'], null);
      await steps.createMissing(file.id, ['extract_text'], at(1));
      const runAfterOf = async (stepName: string) =>
        iso(dateOf(stepRowNamed(await context.raw().stepRows(file.id), stepName), 'run_after'));

      expect(await steps.schedule(file.id, 'hash_file', at(10), false)).toBe(true);
      expect(await runAfterOf('hash_file')).toBe(at(10).toISOString());
      expect(await steps.schedule(file.id, 'hash_file', at(20), false)).toBe(false);
      expect(await runAfterOf('hash_file')).toBe(at(10).toISOString());
      expect(await steps.schedule(file.id, 'extract_text', at(30), false)).toBe(false);
      expect(await runAfterOf('extract_text')).toBe(at(1).toISOString());
      expect(await steps.schedule(file.id, 'hash_file', at(40.25), true)).toBe(true);
      expect(await runAfterOf('hash_file')).toBe(at(40.25).toISOString());
    });

    it('schedule never changes a step that is not pending, nor one without a row', async () => {
      const file = await context.store().reads.files.create(newFile(uniqueTag(), { managed: true }));
      const steps = context.store().reads.steps;
      const done: FoldedStep = {
        status: 'success',
        startedAt: at(1),
        completedAt: at(2),
        errorMessage: null,
        attempts: 1,
        lastEvent: null,
      };
      await steps.saveState(file.id, 'hash_file', done);
      const before = await context.raw().stepRows(file.id);

      expect(await steps.schedule(file.id, 'hash_file', at(10), true)).toBe(false);
      expect(await steps.schedule(file.id, 'hash_file', at(10), false)).toBe(false);
      expect(await steps.schedule(file.id, 'check_text', at(10), true)).toBe(false);
      expect(await context.raw().stepRows(file.id)).toEqual(before);
    });

    it('get answers null for a step without a row', async () => {
      const file = await context.store().reads.files.create(newFile(uniqueTag()));
      expect(await context.store().reads.steps.get(file.id, 'hash_file')).toBeNull();
    });

    it('listForFile returns the oldest row first, and listForFiles orders by file id, then oldest row first', async () => {
      const files = context.store().reads.files;
      const steps = context.store().reads.steps;
      const first = await files.create(newFile(uniqueTag()));
      const second = await files.create(newFile(uniqueTag()));
      await steps.createMissing(second.id, ['zeta'], null);
      await steps.createMissing(first.id, ['zeta', 'alpha'], null);
      await steps.createMissing(second.id, ['alpha'], null);
      await steps.createMissing(first.id, ['mid'], null);

      expect((await steps.listForFile(first.id)).map((step) => step.stepName)).toEqual([
        'zeta',
        'alpha',
        'mid',
      ]);
      const both = await steps.listForFiles([second.id, first.id]);
      expect(both.map((step) => `${step.fileId === first.id ? 'first' : 'second'}:${step.stepName}`)).toEqual(
        ['first:zeta', 'first:alpha', 'first:mid', 'second:zeta', 'second:alpha'],
      );
      expect(await steps.listForFiles([])).toEqual([]);
    });
  });
};
