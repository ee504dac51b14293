import { PermanentError } from '../../engine/permanent-error.js';

/**
 * The bounds every piece of document work runs under (docs/architecture.md#document-limits), from the worker's
 * configuration: each parse, rewrite or OCR tool run is a child process the worker watches and kills past them.
 */
export interface DocumentLimits {
  /** Peak resident memory of one document process (DOCUMENT_MEMORY_MB). */
  memoryMb: number;
  /** Wall time of one document process (DOCUMENT_TIMEOUT_MS). */
  timeoutMs: number;
  /** Pages a PDF may have (DOCUMENT_MAX_PAGES). */
  maxPages: number;
  /** Pixels an image, or a PDF page rendered for OCR, may have (DOCUMENT_MAX_IMAGE_MEGAPIXELS, in millions). */
  maxImageMegapixels: number;
}

export const DEFAULT_DOCUMENT_LIMITS: DocumentLimits = {
  memoryMb: 512,
  timeoutMs: 120_000,
  maxPages: 5_000,
  maxImageMegapixels: 40,
};

/** Which limit a document process passed. */
export type LimitKind = 'memory' | 'time';

/**
 * A document process went past a limit: a permanent failure (the same document would do it again), whose message
 * names the work, the limit and the variable that sets it.
 */
export class DocumentLimitError extends PermanentError {
  constructor(
    readonly limit: LimitKind,
    what: string,
    limits: Pick<DocumentLimits, 'memoryMb' | 'timeoutMs'>,
  ) {
    super(
      limit === 'memory'
        ? `${what} used more than ${limits.memoryMb} MB of memory — limit DOCUMENT_MEMORY_MB; the document was not processed.`
        : `${what} took longer than ${formatSeconds(limits.timeoutMs)} — limit DOCUMENT_TIMEOUT_MS; the document was not processed.`,
    );
    this.name = 'DocumentLimitError';
  }
}

const formatSeconds = (ms: number): string =>
  ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
