import type { EmbedRequest } from '../embed-pdf-metadata.js';
import type { PdfSummary, PdfTextSummary } from '../pdf-text.js';

/** One piece of document work, as the worker hands it to a document process. */
export type DocumentRequest =
  | { op: 'inspect-pdf'; path: string; maxPages: number }
  | { op: 'pdf-text'; path: string; maxPages: number; textPath: string | null }
  | { op: 'embed-pdf-metadata'; path: string; outputPath: string; embed: EmbedRequest };

export interface DocumentResults {
  'inspect-pdf': PdfSummary;
  'pdf-text': PdfTextSummary;
  'embed-pdf-metadata': { encrypted: boolean };
}

/** What a document process sends back before it exits. */
export type DocumentReply =
  | { ok: true; value: DocumentResults[DocumentRequest['op']] }
  | { ok: false; permanent: boolean; message: string };
