import { rm } from 'node:fs/promises';
import {
  HASH,
  METADATA,
  RECORD,
  STAMPED_PDF,
  hashArtifact,
  recordArtifact,
  required,
} from '../documents/artifacts.js';
import { metadataArtifact } from '../documents/document-metadata.js';
import type { DocumentProcessor } from '../documents/limits/document-processor.js';
import { skipped, success, type StepHandler } from '../handlers/step-handler.js';

/**
 * Writes the metadata into a copy of the PDF (the upload itself stays as it was uploaded), in a document process
 * (docs/architecture.md#document-limits). An encrypted PDF that opened without a password keeps its protection:
 * the step is skipped with the reason, and the upload is stored as it is.
 */
export function embedMetadataStep(documents: DocumentProcessor): StepHandler {
  return {
    stepName: 'embed_metadata_into_pdf',
    async run({ file, sourcePath, artifacts, signal }) {
      const record = await required(
        artifacts.readJson(RECORD, recordArtifact),
        'The file record from create_file_record',
      );
      if (record.kind !== 'pdf')
        return skipped(`Not a PDF (${record.mimeType}); there is no PDF metadata to write`);
      const { metadata } = await required(
        artifacts.readJson(METADATA, metadataArtifact),
        'The metadata from extract_metadata_with_gpt',
      );
      const hash = await artifacts.readJson(HASH, hashArtifact);
      const custom = { SteptrailFileId: String(file.id), ...(hash === null ? {} : { SHA256: hash.sha256 }) };
      const temp = await artifacts.tempPath(STAMPED_PDF);
      try {
        const { encrypted } = await documents.embedPdfMetadata(
          sourcePath,
          temp,
          { metadata, custom },
          signal,
        );
        if (encrypted)
          return skipped(
            'The PDF is encrypted (it opens without a password, but an owner password protects it): its metadata is not rewritten, so the upload is stored as it is',
          );
        await artifacts.publish(temp, STAMPED_PDF);
      } finally {
        await rm(temp, { force: true });
      }
      return success(
        `Embedded title "${metadata.title}", ${metadata.tags.length} keyword(s) and custom entries`,
      );
    },
  };
}
