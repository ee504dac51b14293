import { readFile } from 'node:fs/promises';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { PermanentError } from '../engine/permanent-error.js';

export interface PdfText {
  pageCount: number;
  /** The text layer of each page, in reading order as the PDF stores it. */
  pages: string[];
}

/** Opens a PDF with pdf.js; a file pdf.js cannot parse (corrupt, encrypted) is a permanent error. */
async function openPdf(path: string) {
  const data = new Uint8Array(await readFile(path));
  const task = getDocument({
    data,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
  });
  try {
    return await task.promise;
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const why =
      name === 'PasswordException'
        ? 'it is encrypted with a password'
        : `pdf.js cannot parse it (${(error as Error).message})`;
    throw new PermanentError(`Not a readable PDF: ${why}.`, { cause: error });
  }
}

export async function pdfPageCount(path: string): Promise<number> {
  const document = await openPdf(path);
  try {
    return document.numPages;
  } finally {
    await document.destroy();
  }
}

export async function readPdfText(path: string, signal?: AbortSignal): Promise<PdfText> {
  const document = await openPdf(path);
  try {
    const pages: string[] = [];
    for (let number = 1; number <= document.numPages; number += 1) {
      signal?.throwIfAborted();
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      let text = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        text += item.str + (item.hasEOL ? '\n' : '');
      }
      pages.push(text.trim());
      page.cleanup();
    }
    return { pageCount: document.numPages, pages };
  } finally {
    await document.destroy();
  }
}

/** Characters that carry text, so a layer of stray spaces does not count as text. */
export const meaningfulCharacters = (text: string): number => text.replace(/\s+/g, '').length;
