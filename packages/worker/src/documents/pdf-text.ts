import { open, readFile } from 'node:fs/promises';
import { getDocument, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { PermanentError } from '../engine/permanent-error.js';

// pdf.js work, run only inside a document process (docs/architecture.md#document-limits): never in the worker's
// own process, where a hostile PDF could take its memory and block its event loop.

export interface PdfSummary {
  pageCount: number;
}

export interface PdfTextSummary extends PdfSummary {
  /** Characters that carry text (whitespace left out) over all pages. */
  characters: number;
}

/** Opens a PDF with pdf.js; a file pdf.js cannot open (corrupt, encrypted with a user password) is a permanent error. */
async function openPdf(path: string, maxPages: number): Promise<PDFDocumentProxy> {
  const data = new Uint8Array(await readFile(path));
  if (data.length === 0) throw new PermanentError('Not a readable PDF: the file is empty (0 bytes).');
  const task = getDocument({
    data,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
  });
  let document: PDFDocumentProxy;
  try {
    document = await task.promise;
  } catch (error) {
    throw unreadable(error);
  }
  if (document.numPages > maxPages) {
    await document.destroy();
    throw new PermanentError(
      `The PDF has ${document.numPages} pages; at most ${maxPages} are processed — limit DOCUMENT_MAX_PAGES.`,
    );
  }
  return document;
}

/** Why pdf.js could not read the document, as the step's failure message. */
function unreadable(error: unknown, page?: number): PermanentError {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  const why =
    name === 'PasswordException'
      ? 'it is encrypted with a user password and cannot be opened without it'
      : /circular reference/i.test(message)
        ? `its page tree is circular (${message})`
        : `pdf.js cannot parse ${page === undefined ? 'it' : `page ${page}`} (${message})`;
  return new PermanentError(`Not a readable PDF: ${why}.`, { cause: error });
}

/**
 * The page count, after finding the first and the last page in the page tree: a /Count can lie and a tree can
 * loop, and both show on the way to them.
 */
export async function inspectPdf(path: string, maxPages: number): Promise<PdfSummary> {
  const document = await openPdf(path, maxPages);
  try {
    if (document.numPages === 0) throw new PermanentError('Not a readable PDF: it has no pages.');
    for (const number of new Set([1, document.numPages])) {
      await document.getPage(number).catch((error: unknown) => Promise.reject(unreadable(error, number)));
    }
    return { pageCount: document.numPages };
  } finally {
    await document.destroy();
  }
}

/**
 * The text layer of every page, in reading order as the PDF stores it, counted; written to `textPath` (pages
 * separated by a blank line) when one is given, page by page, so no copy of the whole text is held.
 */
export async function readPdfText(
  path: string,
  maxPages: number,
  textPath: string | null,
): Promise<PdfTextSummary> {
  const document = await openPdf(path, maxPages);
  const output = textPath === null ? null : await open(textPath, 'w');
  try {
    let characters = 0;
    for (let number = 1; number <= document.numPages; number += 1) {
      const text = await pageText(document, number).catch((error: unknown) =>
        Promise.reject(error instanceof PermanentError ? error : unreadable(error, number)),
      );
      characters += meaningfulCharacters(text);
      await output?.write(number === 1 ? text : `\n\n${text}`);
    }
    return { pageCount: document.numPages, characters };
  } finally {
    await output?.close();
    await document.destroy();
  }
}

async function pageText(document: PDFDocumentProxy, number: number): Promise<string> {
  const page = await document.getPage(number);
  const content = await page.getTextContent();
  let text = '';
  for (const item of content.items) {
    if (!('str' in item)) continue;
    text += item.str + (item.hasEOL ? '\n' : '');
  }
  page.cleanup();
  return text.trim();
}

/** Characters that carry text, so a layer of stray spaces does not count as text. */
export const meaningfulCharacters = (text: string): number => text.replace(/\s+/g, '').length;
