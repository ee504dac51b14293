import { readFile, rm } from 'node:fs/promises';
import {
  OCR_TEXT,
  RECORD,
  TEXT,
  TEXT_CHECK,
  recordArtifact,
  required,
  textCheckArtifact,
} from '../documents/artifacts.js';
import type { TesseractOcr } from '../documents/ocr.js';
import type { DocumentProcessor } from '../documents/limits/document-processor.js';
import { meaningfulCharacters } from '../documents/pdf-text.js';
import { skipped, success, type StepHandler } from '../handlers/step-handler.js';
import { recognizeAsSubStep } from './ocr-step.js';

/** The document's text: its text layer, or OCR (process_with_ocr) for scans and images. */
export function extractTextStep(ocr: TesseractOcr, documents: DocumentProcessor): StepHandler {
  return {
    stepName: 'extract_text',
    async run(context) {
      const { sourcePath, artifacts, signal } = context;
      const record = await required(
        artifacts.readJson(RECORD, recordArtifact),
        'The file record from create_file_record',
      );
      const check = await required(
        artifacts.readJson(TEXT_CHECK, textCheckArtifact),
        'The text check from check_text',
      );
      if (!check.needsOcr && record.kind === 'text') {
        const text = await readFile(sourcePath, 'utf8');
        await artifacts.writeText(TEXT, text);
        return success(`Text layer: ${meaningfulCharacters(text)} characters`);
      }
      if (!check.needsOcr) {
        // The document process writes the text itself, so the worker never holds it (docs/architecture.md#document-limits).
        const temp = await artifacts.tempPath(TEXT);
        try {
          const { characters } = await documents.pdfText(sourcePath, temp, signal);
          await artifacts.publish(temp, TEXT);
          return success(`Text layer: ${characters} characters`);
        } finally {
          await rm(temp, { force: true });
        }
      }
      // A process_with_ocr step that ran before this one (listed in the workflow) already left its text.
      const earlier = await artifacts.readText(OCR_TEXT);
      const recognized = earlier !== null ? { text: earlier } : await recognizeAsSubStep(context, ocr);
      if ('unavailable' in recognized) {
        await artifacts.writeText(TEXT, '');
        return skipped(`No text layer, and OCR is not available: ${recognized.unavailable}`);
      }
      await artifacts.writeText(TEXT, recognized.text);
      return success(`Text from OCR: ${meaningfulCharacters(recognized.text)} characters`);
    },
  };
}
