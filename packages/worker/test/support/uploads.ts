import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_WORKFLOW, type FileRecord, type StepTracker, type Workflow } from '@steptrail/domain';

/**
 * Registers a file the way the API's POST /api/files does: content stored under its SHA-256 in the storage
 * folder, a managed file whose first workflow step is runnable.
 */
export async function uploadFile(
  tracker: StepTracker,
  storageDir: string,
  content: Uint8Array,
  originalFilename: string,
  workflow: Workflow = DEFAULT_WORKFLOW,
): Promise<FileRecord> {
  const sha256 = createHash('sha256').update(content).digest('hex');
  const localFilename = join(sha256.slice(0, 2), sha256);
  await mkdir(join(storageDir, sha256.slice(0, 2)), { recursive: true });
  await writeFile(join(storageDir, localFilename), content);
  return tracker.registerFile({
    filehash: sha256,
    originalFilename,
    localFilename,
    fileSize: content.length,
    mimeType: null,
    workflow,
    managed: true,
  });
}
