import { METADATA, TEXT } from '../documents/artifacts.js';
import type { DocumentMetadata } from '../documents/document-metadata.js';
import type { OpenAiExtractor } from '../documents/openai-extractor.js';
import { extractMetadataByRules, type ExtractionInput } from '../documents/rules-extractor.js';
import { success, type StepHandler } from '../handlers/step-handler.js';

export interface MetadataExtractor {
  /** Says which extractor ran, for the history. */
  readonly description: string;
  extract(input: ExtractionInput, signal: AbortSignal): Promise<DocumentMetadata>;
}

export const rulesExtractor: MetadataExtractor = {
  description: 'the rules-based extractor (no OPENAI_MODEL configured)',
  extract: async (input) => extractMetadataByRules(input),
};

export const metadataExtractor = (openai: OpenAiExtractor | null): MetadataExtractor =>
  openai ?? rulesExtractor;

/** Title, type, correspondent, date, tags and language, by the configured model or by rules. */
export function extractMetadataStep(extractor: MetadataExtractor): StepHandler {
  return {
    stepName: 'extract_metadata_with_gpt',
    async run({ file, artifacts, log, signal }) {
      const text = (await artifacts.readText(TEXT)) ?? '';
      await log.note(`Extracting metadata with ${extractor.description}`);
      const metadata = await extractor.extract({ text, originalFilename: file.originalFilename }, signal);
      await artifacts.writeJson(METADATA, { metadata, extractor: extractor.description });
      return success(
        `"${metadata.title}" (${metadata.documentType}) by ${extractor.description}`,
        JSON.stringify(metadata),
      );
    },
  };
}
