import { isPermanentError } from '../engine/permanent-error.js';
import { OCR_TEXT, RECORD, recordArtifact, required } from '../documents/artifacts.js';
import type { TesseractOcr } from '../documents/ocr.js';
import { meaningfulCharacters } from '../documents/pdf-text.js';
import {
  skipped,
  success,
  type StepContext,
  type StepHandler,
  type StepResult,
} from '../handlers/step-handler.js';

export const OCR_STEP = 'process_with_ocr';

/** Runs OCR and stores its text as the ocr.txt artifact; `{ unavailable }` when OCR cannot run here. */
export async function recognize(
  context: Pick<StepContext<unknown>, 'sourcePath' | 'artifacts' | 'scratchDir' | 'signal'>,
  ocr: TesseractOcr,
): Promise<{ text: string; pages: number } | { unavailable: string }> {
  const availability = await ocr.availability();
  if (!availability.available) return { unavailable: availability.reason };
  const record = await required(
    context.artifacts.readJson(RECORD, recordArtifact),
    'The file record from create_file_record',
  );
  const result = await ocr.recognize(context.sourcePath, record.kind, context.scratchDir, context.signal);
  await context.artifacts.writeText(OCR_TEXT, result.text);
  return result;
}

/**
 * OCR inside extract_text, recorded as the process_with_ocr step: its own in_progress, success, skipped or
 * failure events, so the history shows it like any other step. A failure that will be retried is recorded as
 * pending (re-queued), so the file reads "processing" while it waits, not "failed".
 */
export async function recognizeAsSubStep(
  context: StepContext<unknown>,
  ocr: TesseractOcr,
): Promise<{ text: string } | { unavailable: string }> {
  const availability = await ocr.availability();
  if (!availability.available) {
    await context.pipeline.recordStep(
      OCR_STEP,
      'skipped',
      `No text layer, and OCR is not available: ${availability.reason}`,
    );
    return { unavailable: availability.reason };
  }
  await context.pipeline.recordStep(
    OCR_STEP,
    'in_progress',
    `Tesseract (${ocr.languages}) run by ${context.stepName} on worker ${context.workerId}`,
  );
  try {
    const result = await recognize(context, ocr);
    if ('unavailable' in result) throw new Error(result.unavailable);
    await context.pipeline.recordStep(
      OCR_STEP,
      'success',
      `Recognised ${meaningfulCharacters(result.text)} characters on ${result.pages} page(s)`,
    );
    return result;
  } catch (error) {
    const final = isPermanentError(error) || context.attempt >= context.maxAttempts;
    const message = error instanceof Error ? error.message : String(error);
    await context.pipeline.recordStep(
      OCR_STEP,
      final ? 'failure' : 'pending',
      final ? message : `OCR failed (${message}); ${context.stepName} will retry`,
    );
    throw error;
  }
}

/** process_with_ocr as a step of its own, for workflow profiles that list it before extract_text. */
export function processWithOcrStep(ocr: TesseractOcr): StepHandler {
  return {
    stepName: OCR_STEP,
    async run(context): Promise<StepResult> {
      const result = await recognize(context, ocr);
      if ('unavailable' in result) return skipped(`OCR is not available: ${result.unavailable}`);
      return success(`Recognised ${meaningfulCharacters(result.text)} characters on ${result.pages} page(s)`);
    },
  };
}
