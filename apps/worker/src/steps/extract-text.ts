import { readFile } from 'node:fs/promises';
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
import { meaningfulCharacters, readPdfText } from '../documents/pdf-text.js';
import { skipped, success, type StepHandler } from '../handlers/step-handler.js';
import { recognizeAsSubStep } from './ocr-step.js';

/** The document's text: its text layer, or OCR (process_with_ocr) for scans and images. */
export function extractTextStep(ocr: TesseractOcr): StepHandler {
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
      if (!check.needsOcr) {
        const text =
          record.kind === 'text'
            ? await readFile(sourcePath, 'utf8')
            : (await readPdfText(sourcePath, signal)).pages.join('\n\n');
        await artifacts.writeText(TEXT, text);
        return success(`Text layer: ${meaningfulCharacters(text)} characters`);
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
