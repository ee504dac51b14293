import { describe, expect, it } from 'vitest';
import { initialState } from '../src/index.js';
import { MemoryStore } from '../src/memory/index.js';
import { at, newFile, snapshot } from './support/fixtures.js';

describe('MemoryStore', () => {
  it('a transaction whose work throws leaves nothing behind', async () => {
    const store = new MemoryStore();
    const failing = store.unitOfWork.transaction(async (repos) => {
      const file = await repos.files.create(newFile());
      await repos.steps.createMissing(file.id, ['hash_file'], null);
      await repos.logs.append({
        fileId: file.id,
        taskId: null,
        stepName: 'hash_file',
        status: 'success',
        message: null,
        detail: null,
        occurredAt: at(1),
      });
      throw new Error('handler crashed');
    });
    await expect(failing).rejects.toThrow('handler crashed');
    expect(await snapshot(store)).toEqual({ files: [], steps: [], logs: [] });
    expect(await store.reads.logs.maxId()).toBe(0);
  });

  it('a failed transaction does not block the next one', async () => {
    const store = new MemoryStore();
    await store.unitOfWork.transaction(async () => Promise.reject(new Error('boom'))).catch(() => undefined);
    const file = await store.unitOfWork.transaction((repos) => repos.files.create(newFile()));
    expect(file.id).toBe(1);
  });

  it('reads see a transaction’s writes only once it commits', async () => {
    const store = new MemoryStore();
    let seenInside: unknown = 'unset';
    await store.unitOfWork.transaction(async (repos) => {
      const file = await repos.files.create(newFile());
      seenInside = await store.reads.files.get(file.id);
      expect(await repos.files.get(file.id)).not.toBeNull();
    });
    expect(seenInside).toBeNull();
    expect(await store.reads.files.get(1)).not.toBeNull();
  });

  it('transactions run one at a time, so concurrent writers never interleave', async () => {
    const store = new MemoryStore();
    const file = await store.unitOfWork.transaction((repos) => repos.files.create(newFile()));
    const order: string[] = [];
    const writer = (name: string) =>
      store.unitOfWork.transaction(async (repos) => {
        order.push(`${name} start`);
        const current = (await repos.steps.get(file.id, 'counter'))?.attempts ?? 0;
        await new Promise((resolve) => setTimeout(resolve, 5));
        await repos.steps.saveState(file.id, 'counter', { ...initialState(), attempts: current + 1 });
        order.push(`${name} end`);
      });
    await Promise.all([writer('a'), writer('b'), writer('c')]);
    expect(order).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    expect((await store.reads.steps.get(file.id, 'counter'))?.attempts).toBe(3);
  });

  it('values returned by the repositories are copies, not the stored rows', async () => {
    const store = new MemoryStore();
    const file = await store.unitOfWork.transaction((repos) => repos.files.create(newFile()));
    file.rollup.status = 'failed';
    expect((await store.reads.files.get(file.id))?.rollup.status).toBe('pending');
  });

  it('inspect sees the committed state only after the transactions queued before it', async () => {
    const store = new MemoryStore();
    const writing = store.unitOfWork.transaction((repos) => repos.files.create(newFile()));
    const seen = store.inspect((state) => state.files.size);
    await writing;
    expect(await seen).toBe(1);
  });

  it('a closed store refuses work', async () => {
    const store = new MemoryStore();
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
    await expect(store.ping()).rejects.toThrow('closed');
    await expect(store.unitOfWork.transaction(async () => 1)).rejects.toThrow('closed');
  });

  it('an idle worker wakes when a committed transaction announces work, or when its signal aborts', async () => {
    const store = new MemoryStore();
    const woken = store.workSignal.wait(60_000);
    await store.unitOfWork.transaction((repos) => repos.queue.announce());
    await expect(woken).resolves.toBeUndefined();
    const controller = new AbortController();
    const aborted = store.workSignal.wait(60_000, controller.signal);
    controller.abort();
    await expect(aborted).resolves.toBeUndefined();
  });
});
