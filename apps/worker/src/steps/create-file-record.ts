import { stat } from 'node:fs/promises';
import { PermanentError } from '../engine/permanent-error.js';
import { HASH, RECORD, hashArtifact, required, type RecordArtifact } from '../documents/artifacts.js';
import { pdfPageCount } from '../documents/pdf-text.js';
import { sniffType } from '../documents/sniff-type.js';
import { success, type StepHandler } from '../handlers/step-handler.js';

/**
 * Size, MIME type from the magic bytes and page count. A file whose content an older, non-duplicate file already
 * has is marked duplicate; its remaining steps are skipped with the reason.
 */
export function createFileRecordStep(): StepHandler {
  return {
    stepName: 'create_file_record',
    async run({ file, sourcePath, artifacts, pipeline, log }) {
      const { sha256 } = await required(artifacts.readJson(HASH, hashArtifact), 'The hash from hash_file');
      const { size } = await stat(sourcePath);
      const type = await sniffType(sourcePath);
      if (type.kind === null) {
        throw new PermanentError(
          `Unsupported file type ${type.mimeType}: the pipeline processes PDFs, images and plain text.`,
        );
      }
      const pageCount =
        type.kind === 'pdf' ? await pdfPageCount(sourcePath) : type.kind === 'image' ? 1 : null;
      const record: RecordArtifact = {
        size,
        mimeType: type.mimeType,
        extension: type.extension,
        kind: type.kind,
        pageCount,
      };
      await artifacts.writeJson(RECORD, record);
      const summary = `${type.mimeType}, ${size} bytes${pageCount === null ? '' : `, ${pageCount} page${pageCount === 1 ? '' : 's'}`}`;
      const original = await pipeline.findOriginal(sha256);
      if (original !== null) {
        const reason = `Duplicate of file ${original.id} (${original.originalFilename ?? original.localFilename}): same SHA-256`;
        const skippedSteps = await pipeline.markDuplicate(original.id, reason);
        await log.note(
          `${reason}; skipped ${skippedSteps.length} remaining step(s)`,
          skippedSteps.join(', '),
        );
        return success(`${summary}; duplicate of file ${original.id}`);
      }
      if (file.mimeType !== null && file.mimeType !== type.mimeType) {
        await log.note(`The upload declared ${file.mimeType}; the content is ${type.mimeType}`);
      }
      return success(summary);
    },
  };
}
