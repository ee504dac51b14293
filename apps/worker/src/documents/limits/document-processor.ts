import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PermanentError } from '../../engine/permanent-error.js';
import type { EmbedRequest } from '../embed-pdf-metadata.js';
import type { DocumentLimits } from './document-limits.js';
import type { DocumentReply, DocumentRequest, DocumentResults } from './document-request.js';
import { runLimited } from './limited-process.js';

const here = fileURLToPath(import.meta.url);
/** The entry point beside this file: document-process.js in dist, .ts when the worker runs from its sources. */
const ENTRY = join(dirname(here), `document-process${extname(here)}`);

/**
 * Node's own flags for a document process: a heap no larger than the memory limit and, when the worker runs from
 * its TypeScript sources (development and tests only), the repository's light TypeScript loader — tsx would
 * transform pdf.js itself, for seconds and hundreds of MB per process.
 */
function nodeFlags(memoryMb: number): string[] {
  const flags = [`--max-old-space-size=${memoryMb}`];
  if (ENTRY.endsWith('.ts')) {
    const loader = createRequire(import.meta.url).resolve('@steptrail/test-servers/ts-register');
    flags.push('--import', pathToFileURL(loader).href);
  }
  return flags;
}

const WHAT: Record<DocumentRequest['op'], string> = {
  'inspect-pdf': 'PDF parsing',
  'pdf-text': 'PDF text extraction',
  'embed-pdf-metadata': 'PDF rewriting (embedding metadata)',
};

/**
 * Document work in child processes under the document limits (docs/architecture.md#document-limits): nothing a
 * document contains can take the worker's memory or block its event loop (or the API's, in the all-in-one
 * process). A process killed at a limit fails its step permanently with a message naming the limit.
 */
export class DocumentProcessor {
  constructor(readonly limits: DocumentLimits) {}

  /** The page count of a PDF, every page checked to be in its page tree. */
  inspectPdf(path: string, signal?: AbortSignal): Promise<DocumentResults['inspect-pdf']> {
    return this.run({ op: 'inspect-pdf', path, maxPages: this.limits.maxPages }, signal);
  }

  /** Page count and meaningful characters of the text layer; the text itself goes to `textPath` when given. */
  pdfText(path: string, textPath: string | null, signal?: AbortSignal): Promise<DocumentResults['pdf-text']> {
    return this.run({ op: 'pdf-text', path, maxPages: this.limits.maxPages, textPath }, signal);
  }

  /** Writes a copy of the PDF with the metadata embedded to `outputPath`; `encrypted` when it must not be. */
  embedPdfMetadata(
    path: string,
    outputPath: string,
    embed: EmbedRequest,
    signal?: AbortSignal,
  ): Promise<DocumentResults['embed-pdf-metadata']> {
    return this.run({ op: 'embed-pdf-metadata', path, outputPath, embed }, signal);
  }

  private async run<R extends DocumentRequest>(
    request: R,
    signal: AbortSignal | undefined,
  ): Promise<DocumentResults[R['op']]> {
    const what = WHAT[request.op];
    const result = await runLimited({
      command: process.execPath,
      args: [...nodeFlags(this.limits.memoryMb), ENTRY, JSON.stringify(request)],
      what,
      limits: this.limits,
      ipc: true,
      ...(signal === undefined ? {} : { signal }),
    });
    const reply = result.message as DocumentReply | undefined;
    if (reply === undefined) {
      // Killed by something else than a limit (the kernel's OOM killer, an operator): may not recur.
      const end = result.signal === null ? `exit code ${result.code}` : `signal ${result.signal}`;
      throw new Error(`${what} ended without an answer (${end}): ${lastLine(result.stderr)}`);
    }
    if (!reply.ok) {
      if (reply.permanent) throw new PermanentError(reply.message);
      throw new Error(reply.message);
    }
    return reply.value as DocumentResults[R['op']];
  }
}

const lastLine = (text: string): string =>
  text
    .trim()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-3)
    .join(' | ') || 'no output';
