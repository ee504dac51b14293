import { readFile, rm } from 'node:fs/promises';
import { z } from 'zod';
import {
  RECORD,
  TEXT_CHECK,
  TEXT_LAYER,
  recordArtifact,
  required,
  type TextCheckArtifact,
} from '../documents/artifacts.js';
import type { DocumentProcessor } from '../documents/limits/document-processor.js';
import { meaningfulCharacters } from '../documents/pdf-text.js';
import type { FileArtifacts } from '../handlers/file-artifacts.js';
import { success, type StepHandler } from '../handlers/step-handler.js';

const config = z
  .object({
    /** Below this many non-blank characters per page on average, a PDF counts as scanned. */
    minCharactersPerPage: z.number().int().min(0).default(10),
  })
  .default({ minCharactersPerPage: 10 });

/** Decides whether the document has a usable text layer or needs OCR. */
export function checkTextStep(documents: DocumentProcessor): StepHandler<z.infer<typeof config>> {
  return {
    stepName: 'check_text',
    configSchema: config,
    async run({ sourcePath, artifacts, config, signal }) {
      const record = await required(
        artifacts.readJson(RECORD, recordArtifact),
        'The file record from create_file_record',
      );
      let check: TextCheckArtifact;
      if (record.kind === 'text') {
        const characters = meaningfulCharacters(await readFile(sourcePath, 'utf8'));
        check = { hasTextLayer: true, characters, pages: null, needsOcr: false };
      } else if (record.kind === 'image') {
        check = { hasTextLayer: false, characters: 0, pages: 1, needsOcr: true };
      } else {
        const { characters, pageCount } = await readTextLayer(documents, sourcePath, artifacts, signal);
        const hasTextLayer =
          characters > 0 && characters >= config.minCharactersPerPage * Math.max(1, pageCount);
        check = { hasTextLayer, characters, pages: pageCount, needsOcr: !hasTextLayer };
      }
      await artifacts.writeJson(TEXT_CHECK, check);
      return success(
        check.needsOcr
          ? `No usable text layer (${check.characters} characters); OCR needed`
          : `Text layer found: ${check.characters} characters${check.pages === null ? '' : ` on ${check.pages} page(s)`}`,
      );
    },
  };
}

/**
 * The PDF's text layer, counted, and kept as an artifact for extract_text; read in a document process that writes
 * it straight to the artifact (docs/architecture.md#document-limits).
 */
export async function readTextLayer(
  documents: DocumentProcessor,
  sourcePath: string,
  artifacts: FileArtifacts,
  signal: AbortSignal,
): Promise<{ characters: number; pageCount: number }> {
  const temp = await artifacts.tempPath(TEXT_LAYER);
  try {
    const summary = await documents.pdfText(sourcePath, temp, signal);
    await artifacts.publish(temp, TEXT_LAYER);
    return summary;
  } finally {
    await rm(temp, { force: true });
  }
}
