import OpenAI from 'openai';
import type { OpenAiConfig } from '../config.js';
import { PermanentError } from '../engine/permanent-error.js';
import { documentMetadataSchema, type DocumentMetadata } from './document-metadata.js';
import type { ExtractionInput } from './rules-extractor.js';

const MAX_TEXT_CHARS = 12_000;

const INSTRUCTIONS = `You extract metadata from a document for a document archive.
Answer with one JSON object and nothing else, with exactly these keys:
- "title": a short descriptive title (at most 12 words)
- "documentType": e.g. Invoice, Receipt, Contract, Letter, Bank statement, Payslip, Tax document, Insurance
- "correspondent": the sender or issuing organisation, or null
- "documentDate": the date the document is dated, as YYYY-MM-DD, or null
- "tags": up to 8 short lower-case keywords
- "language": the two-letter ISO 639-1 code of the document's language, or null`;

/** Metadata from an OpenAI-compatible chat-completions endpoint; the answer must pass the zod schema. */
export class OpenAiExtractor {
  private readonly client: OpenAI;

  constructor(private readonly config: OpenAiConfig) {
    this.client = new OpenAI({
      apiKey: config.apiKey === '' ? 'not-needed' : config.apiKey,
      ...(config.baseUrl === null ? {} : { baseURL: config.baseUrl }),
      timeout: config.timeoutMs,
      // The engine retries with backoff and records every attempt; the SDK's own retries would hide them.
      maxRetries: 0,
    });
  }

  get description(): string {
    return `OpenAI-compatible model ${this.config.model} at ${this.config.baseUrl ?? 'api.openai.com'}`;
  }

  async extract(input: ExtractionInput, signal: AbortSignal): Promise<DocumentMetadata> {
    let content: string | null | undefined;
    try {
      const completion = await this.client.chat.completions.create(
        {
          model: this.config.model,
          temperature: 0,
          response_format: { type: 'json_object' },
          messages: [
            { role: 'system', content: INSTRUCTIONS },
            {
              role: 'user',
              content: `File name: ${input.originalFilename ?? 'unknown'}\n\nText:\n${input.text.slice(0, MAX_TEXT_CHARS)}`,
            },
          ],
        },
        { signal },
      );
      content = completion.choices[0]?.message.content;
    } catch (error) {
      throw classify(error);
    }
    if (content === null || content === undefined || content.trim() === '')
      throw new Error('The model returned an empty answer.');
    return parseAnswer(content);
  }
}

/** The model's JSON, without a Markdown fence if it added one; a malformed answer is transient (ask again). */
export function parseAnswer(content: string): DocumentMetadata {
  const json = content
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/```$/, '');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error(`The model's answer is not JSON: ${content.slice(0, 200)}`);
  }
  if (
    typeof value === 'object' &&
    value !== null &&
    'language' in value &&
    typeof value.language === 'string'
  ) {
    value = { ...value, language: value.language.toLowerCase() };
  }
  const parsed = documentMetadataSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`The model's answer does not match the metadata schema: ${problems}`);
  }
  return parsed.data;
}

/** Refused requests (bad key, unknown model, bad request) cannot succeed on retry; rate limits and 5xx can. */
function classify(error: unknown): unknown {
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    const status = Number(error.status);
    if (status >= 400 && status < 500 && status !== 408 && status !== 409 && status !== 429) {
      return new PermanentError(`The model endpoint refused the request (HTTP ${status}): ${error.message}`, {
        cause: error,
      });
    }
  }
  return error;
}
