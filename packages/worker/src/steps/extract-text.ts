import { copyFile, readFile, rm } from 'node:fs/promises';
import {
  OCR_TEXT,
  RECORD,
  TEXT,
  TEXT_CHECK,
  TEXT_LAYER,
  recordArtifact,
  required,
  textCheckArtifact,
} from '../documents/artifacts.js';
import type { TesseractOcr } from '../documents/ocr.js';
import type { DocumentProcessor } from '../documents/limits/document-processor.js';
import { meaningfulCharacters } from '../documents/pdf-text.js';
import { skipped, success, type StepHandler } from '../handlers/step-handler.js';
import { readTextLayer } from './check-text.js';
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
        // check_text left the text layer; read it again only when it is gone (a re-run after a cleanup).
        if (!(await artifacts.exists(TEXT_LAYER)))
          await readTextLayer(documents, sourcePath, artifacts, signal);
        const temp = await artifacts.tempPath(TEXT);
        try {
          await copyFile(artifacts.path(TEXT_LAYER), temp);
          await artifacts.publish(temp, TEXT);
        } finally {
          await rm(temp, { force: true });
        }
        return success(`Text layer: ${check.characters} characters`);
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
