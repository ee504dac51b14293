import { copyFile, stat } from 'node:fs/promises';
import { STORAGE_STEP } from '@steptrail/domain';
import {
  METADATA,
  RECORD,
  STAMPED_PDF,
  STORED,
  recordArtifact,
  required,
  storedArtifact,
} from '../documents/artifacts.js';
import { metadataArtifact, type DocumentMetadata } from '../documents/document-metadata.js';
import { safeDocumentName } from '../documents/safe-name.js';
import { moveAtomically, sameFile } from '../documents/store-atomically.js';
import type { FileArtifacts } from '../handlers/file-artifacts.js';
import { success, type StepHandler } from '../handlers/step-handler.js';

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * Moves the result (the stamped PDF, or a copy of the upload for other types) into the processed store under a
 * safe name built from the metadata, atomically and never over another file. A re-run after a crash finds its
 * own half-finished move through the intent recorded in stored.json.
 */
export function finalizeStorageStep(processedDir: string): StepHandler {
  return {
    // Its success row's detail is the stored path, which downloads read back (docs/architecture.md#downloads).
    stepName: STORAGE_STEP,
    async run({ file, sourcePath, artifacts }) {
      const record = await required(
        artifacts.readJson(RECORD, recordArtifact),
        'The file record from create_file_record',
      );
      const metadata =
        (await artifacts.readJson(METADATA, metadataArtifact))?.metadata ??
        fallbackMetadata(file.originalFilename);
      const resultName = record.kind === 'pdf' ? STAMPED_PDF : `result.${record.extension}`;
      const finished = await finishedEarlier(artifacts, resultName);
      if (finished !== null) return success(`Already stored as ${finished}`);
      if (!(await artifacts.exists(resultName))) {
        // No stamped PDF (not a PDF, or embedding was skipped): the upload itself is the result; copy, never move it.
        const temp = await artifacts.tempPath(resultName);
        await copyFile(sourcePath, temp);
        await artifacts.publish(temp, resultName);
      }
      const stored = await moveAtomically({
        source: artifacts.path(resultName),
        dir: processedDir,
        name: safeDocumentName(metadata, record.extension),
        beforeLink: (name, path) => artifacts.writeJson(STORED, { name, path, state: 'moving' }),
      });
      await artifacts.writeJson(STORED, { ...stored, state: 'done' });
      return success(`Stored as ${stored.name}`, stored.path);
    },
  };
}

/** The name of a move an earlier run of this step completed (or completed all but its bookkeeping). */
async function finishedEarlier(artifacts: FileArtifacts, resultName: string): Promise<string | null> {
  const stored = await artifacts.readJson(STORED, storedArtifact);
  if (stored === null || !(await exists(stored.path))) return null;
  const source = artifacts.path(resultName);
  const done = stored.state === 'done' || !(await exists(source)) || (await sameFile(source, stored.path));
  if (!done) return null;
  await artifacts.remove(resultName);
  await artifacts.writeJson(STORED, { ...stored, state: 'done' });
  return stored.name;
}

function fallbackMetadata(originalFilename: string | null): DocumentMetadata {
  const title = (originalFilename ?? 'document').replace(/\.[A-Za-z0-9]{1,5}$/, '');
  return {
    title: title === '' ? 'document' : title,
    documentType: 'Document',
    correspondent: null,
    documentDate: null,
    tags: [],
    language: null,
  };
}
