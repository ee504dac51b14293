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
import { embedPdfMetadata } from '../documents/embed-pdf-metadata.js';
import { skipped, success, type StepHandler } from '../handlers/step-handler.js';

/** Writes the metadata into a copy of the PDF (the upload itself stays as it was uploaded). */
export function embedMetadataStep(): StepHandler {
  return {
    stepName: 'embed_metadata_into_pdf',
    async run({ file, sourcePath, artifacts }) {
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
      const bytes = await embedPdfMetadata(sourcePath, metadata, {
        custom: { SteptrailFileId: String(file.id), ...(hash === null ? {} : { SHA256: hash.sha256 }) },
      });
      await artifacts.writeText(STAMPED_PDF, bytes);
      return success(
        `Embedded title "${metadata.title}", ${metadata.tags.length} keyword(s) and custom entries`,
      );
    },
  };
}
