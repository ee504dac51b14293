import { readFile } from 'node:fs/promises';
import { EncryptedPDFError, PDFDict, PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import { PermanentError } from '../engine/permanent-error.js';
import type { DocumentMetadata } from './document-metadata.js';

export interface EmbedOptions {
  /** Extra Info-dictionary entries, e.g. the steptrail file id and content hash. */
  custom: Readonly<Record<string, string>>;
}

/**
 * The PDF with title, subject, keywords, author and custom Info entries set; everything else (pages, forms,
 * signatures' bytes aside) is kept. Encrypted PDFs cannot be rewritten without their password: permanent error.
 */
export async function embedPdfMetadata(
  path: string,
  metadata: DocumentMetadata,
  options: EmbedOptions,
): Promise<Uint8Array> {
  let pdf: PDFDocument;
  try {
    pdf = await PDFDocument.load(await readFile(path), { updateMetadata: false });
  } catch (error) {
    if (error instanceof EncryptedPDFError)
      throw new PermanentError('The PDF is encrypted; its metadata cannot be rewritten.', { cause: error });
    throw new PermanentError(`pdf-lib cannot parse the PDF (${(error as Error).message}).`, { cause: error });
  }
  pdf.setTitle(metadata.title, { showInWindowTitleBar: true });
  pdf.setSubject(
    metadata.correspondent === null
      ? metadata.documentType
      : `${metadata.documentType} from ${metadata.correspondent}`,
  );
  pdf.setKeywords(metadata.tags);
  if (metadata.correspondent !== null) pdf.setAuthor(metadata.correspondent);
  if (metadata.language !== null) pdf.setLanguage(metadata.language);
  pdf.setProducer('steptrail');
  pdf.setModificationDate(new Date());
  const info = pdf.context.lookup(pdf.context.trailerInfo.Info, PDFDict);
  const entries: Record<string, string | null> = {
    DocumentType: metadata.documentType,
    Correspondent: metadata.correspondent,
    DocumentDate: metadata.documentDate,
    ...options.custom,
  };
  for (const [key, value] of Object.entries(entries)) {
    if (value !== null) info.set(PDFName.of(key), PDFHexString.fromText(value));
  }
  return pdf.save({ updateFieldAppearances: false });
}

/** The Info entries of a PDF as text, for tests and diagnostics. */
export async function readPdfInfo(bytes: Uint8Array): Promise<Record<string, string>> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  const info = pdf.context.lookup(pdf.context.trailerInfo.Info, PDFDict);
  const result: Record<string, string> = {};
  for (const [key, value] of info.entries()) {
    if (value instanceof PDFHexString) result[key.decodeText()] = value.decodeText();
    else if (value instanceof PDFString) result[key.decodeText()] = value.decodeText();
  }
  return result;
}
