import { stat } from 'node:fs/promises';
import { PermanentError } from '../engine/permanent-error.js';
import { HASH, RECORD, hashArtifact, required, type RecordArtifact } from '../documents/artifacts.js';
import { imageSize } from '../documents/image-dimensions.js';
import type { DocumentProcessor } from '../documents/limits/document-processor.js';
import { sniffType, type SniffedType } from '../documents/sniff-type.js';
import { success, type StepHandler } from '../handlers/step-handler.js';

/**
 * Size, MIME type from the magic bytes and page count. A file whose content an older, non-duplicate file already
 * has is marked duplicate; its remaining steps are skipped with the reason.
 */
export function createFileRecordStep(documents: DocumentProcessor): StepHandler {
  return {
    stepName: 'create_file_record',
    async run({ file, sourcePath, artifacts, pipeline, log, signal }) {
      const { sha256 } = await required(artifacts.readJson(HASH, hashArtifact), 'The hash from hash_file');
      const { size } = await stat(sourcePath);
      if (size === 0)
        throw new PermanentError('The file is empty (0 bytes): there is no document to process.');
      const type = await sniffType(sourcePath);
      if (type.kind === null) {
        throw new PermanentError(
          `Unsupported file type ${type.mimeType}: the pipeline processes PDFs, images and plain text.`,
        );
      }
      const pageCount =
        type.kind === 'pdf'
          ? (await documents.inspectPdf(sourcePath, signal)).pageCount
          : type.kind === 'image'
            ? await checkImage(sourcePath, type, documents.limits.maxImageMegapixels)
            : null;
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

/**
 * An image's header must be readable and declare at most DOCUMENT_MAX_IMAGE_MEGAPIXELS, before anything decodes
 * it (docs/architecture.md#document-limits); an image is one page.
 */
async function checkImage(path: string, type: SniffedType, maxMegapixels: number): Promise<number> {
  const size = await imageSize(path, type.mimeType);
  const name = type.extension.toUpperCase();
  if (size === null)
    throw new PermanentError(`Not a readable ${name} image: its header is damaged or cut off.`);
  const megapixels = (size.width * size.height) / 1_000_000;
  if (megapixels > maxMegapixels) {
    throw new PermanentError(
      `The ${name} image is ${size.width} × ${size.height} pixels (${megapixels.toFixed(1)} megapixels); at most ${maxMegapixels} megapixels are processed — limit DOCUMENT_MAX_IMAGE_MEGAPIXELS.`,
    );
  }
  return 1;
}
