import { describe, expect, it } from 'vitest';
import { RollupReconciler, reconcileNote } from '../src/index.js';
import { at, newFile, setup, unwrap } from './support/fixtures.js';

function reconcilerFor(context: ReturnType<typeof setup>) {
  return new RollupReconciler({
    unitOfWork: context.store.unitOfWork,
    reads: context.store.reads,
    clock: context.clock,
    leaseMs: 10_000,
  });
}

describe('RollupReconciler', () => {
  it('brings a rollup up to date after another program flipped the duplicate mark, with a history note', async () => {
    const context = setup();
    const file = await context.tracker.registerFile(newFile());
    const reconciler = reconcilerFor(context);
    await reconciler.runOnce('a');
    // What DocuElevate's duplicate check does: the mark only, no rollup.
    await context.store.inspect((state) => {
      const stored = state.files.get(file.id);
      if (stored !== undefined) stored.isDuplicate = true;
    });

    const pass = await reconciler.runOnce('a');

    expect(pass).toMatchObject({ held: true, filesUpdated: 1 });
    expect((await context.store.reads.files.get(file.id))?.rollup.status).toBe('duplicate');
    const notes = await context.store.reads.logs.listForFiles([file.id]);
    expect(notes.at(-1)?.message).toBe(reconcileNote({ ...file.rollup, status: 'duplicate' }));
  });

  it('leaves rollups steptrail wrote itself alone', async () => {
    const context = setup();
    const file = await context.tracker.registerFile(newFile());
    unwrap(await context.tracker.updateStepStatus(file.id, 'hash_file', 'in_progress'));
    const pass = await reconcilerFor(context).runOnce('a');
    expect(pass).toMatchObject({ held: true, filesUpdated: 0 });
  });

  it('lets one owner work at a time; another takes over once the lease lapsed', async () => {
    const context = setup();
    await context.tracker.registerFile(newFile());
    const reconciler = reconcilerFor(context);
    expect((await reconciler.runOnce('a')).held).toBe(true);
    expect((await reconciler.runOnce('b')).held).toBe(false);
    context.clock.set(at(11));
    expect((await reconciler.runOnce('b')).held).toBe(true);
    expect((await reconciler.runOnce('a')).held).toBe(false);
  });

  it('hands the lease over at once when its holder releases it', async () => {
    const context = setup();
    const reconciler = reconcilerFor(context);
    await reconciler.runOnce('a');
    await reconciler.release('a');
    expect((await reconciler.runOnce('b')).held).toBe(true);
  });

  it('reconcileAll recomputes every rollup and counts the ones it changed', async () => {
    const context = setup();
    const files = [
      await context.tracker.registerFile(newFile()),
      await context.tracker.registerFile(newFile()),
    ];
    await context.store.inspect((state) => {
      const stored = state.files.get(files[1]?.id ?? 0);
      if (stored !== undefined) stored.isDuplicate = true;
    });
    expect(await reconcilerFor(context).reconcileAll()).toEqual({ filesChecked: 2, filesUpdated: 1 });
  });
});
