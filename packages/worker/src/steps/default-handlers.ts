import type { DocumentProcessor } from '../documents/limits/document-processor.js';
import type { TesseractOcr } from '../documents/ocr.js';
import type { Destination } from '../destinations/destination.js';
import type { HandlerRegistry } from '../handlers/handler-registry.js';
import { checkTextStep } from './check-text.js';
import { createFileRecordStep } from './create-file-record.js';
import { embedMetadataStep } from './embed-metadata.js';
import { extractMetadataStep, type MetadataExtractor } from './extract-metadata.js';
import { extractTextStep } from './extract-text.js';
import { finalizeStorageStep } from './finalize-storage.js';
import { hashFileStep } from './hash-file.js';
import { processWithOcrStep } from './ocr-step.js';
import { queueStep, sendToAllDestinationsStep, uploadStep } from './upload-steps.js';

export interface DefaultHandlerDeps {
  ocr: TesseractOcr;
  documents: DocumentProcessor;
  extractor: MetadataExtractor;
  processedDir: string;
  destinations: readonly Destination[];
}

/** The handlers of the default workflow (docs/architecture.md#workflows), process_with_ocr, and two steps per destination. */
export function registerDefaultHandlers(
  registry: HandlerRegistry,
  deps: DefaultHandlerDeps,
): HandlerRegistry {
  registry
    .register(hashFileStep())
    .register(createFileRecordStep(deps.documents))
    .register(checkTextStep(deps.documents))
    .register(extractTextStep(deps.ocr, deps.documents))
    .register(processWithOcrStep(deps.ocr))
    .register(extractMetadataStep(deps.extractor))
    .register(embedMetadataStep(deps.documents))
    .register(finalizeStorageStep(deps.processedDir))
    .register(sendToAllDestinationsStep(deps.destinations));
  for (const destination of deps.destinations)
    registry.register(queueStep(destination)).register(uploadStep(destination));
  return registry;
}
