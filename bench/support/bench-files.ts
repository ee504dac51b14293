import { DEFAULT_WORKFLOW, type StepTracker } from '@steptrail/domain';

/**
 * Registers `count` files of the default workflow through StepTracker, named by their index, as an external
 * pipeline would (not managed by the worker); returns their ids in order. The profiles' fixture files.
 */
export async function registerFiles(tracker: StepTracker, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const file = await tracker.registerFile({
      filehash: `${index}`.padStart(64, '0'),
      originalFilename: `${index}.pdf`,
      localFilename: `${index}.pdf`,
      fileSize: 1,
      mimeType: 'application/pdf',
      workflow: DEFAULT_WORKFLOW,
      managed: false,
    });
    ids.push(file.id);
  }
  return ids;
}
