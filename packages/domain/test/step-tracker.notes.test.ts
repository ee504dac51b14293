import { describe, expect, it } from 'vitest';
import { newFile, setup, unwrap } from './support/fixtures.js';

describe('history notes written with changes that are not step events', () => {
  it('registering a file with a note stores the note as a history row without step or status', async () => {
    const { store, tracker } = setup();
    const file = await tracker.registerFile(newFile(), { message: 'File uploaded', detail: 'by token ci' });
    const history = await store.reads.logs.page(file.id, 10, null);
    expect(history.items).toMatchObject([
      { stepName: null, status: null, message: 'File uploaded', detail: 'by token ci' },
    ]);
  });

  it('a note is written only when the change happened: re-adding existing upload steps writes none', async () => {
    const { store, tracker } = setup();
    const file = await tracker.registerFile(newFile());
    unwrap(await tracker.addUploadSteps(file.id, ['s3'], { message: 'Upload steps added' }));
    unwrap(await tracker.addUploadSteps(file.id, ['s3'], { message: 'Upload steps added' }));
    const history = await store.reads.logs.page(file.id, 10, null);
    expect(history.items.map((log) => log.message)).toEqual(['Upload steps added']);
  });

  it('deleting a file with a note keeps the note in the history of the deleted file', async () => {
    const { store, tracker } = setup();
    const file = await tracker.registerFile(newFile());
    unwrap(await tracker.deleteFile(file.id, { message: 'File deleted' }));
    expect(await store.reads.files.get(file.id)).toBeNull();
    expect((await store.reads.logs.listForFiles([file.id])).map((log) => log.message)).toEqual([
      'File deleted',
    ]);
  });

  it('a note for a file that does not exist is not written', async () => {
    const { store, tracker } = setup();
    const result = await tracker.setDuplicate(999, true, null, { message: 'Marked as duplicate' });
    expect(!result.ok && result.error.code).toBe('FILE_NOT_FOUND');
    expect(await store.reads.logs.maxId()).toBe(0);
  });
});
