import { readFile, writeFile } from 'node:fs/promises';
import { PDFDict, PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import { PermanentError } from '../engine/permanent-error.js';
import type { DocumentMetadata } from './document-metadata.js';

export interface EmbedRequest {
  metadata: DocumentMetadata;
  /** Extra Info-dictionary entries, e.g. the steptrail file id and content hash. */
  custom: Readonly<Record<string, string>>;
}

/**
 * Writes the PDF at `path` to `outputPath` with title, subject, keywords, author and custom Info entries set;
 * everything else (pages, forms, signatures' bytes aside) is kept. Runs inside a document process
 * (docs/architecture.md#document-limits). An encrypted PDF is not rewritten — even one that opens without a
 * password (only an owner password), since rewriting it would drop its protection: `encrypted`, nothing written.
 */
export async function embedPdfMetadata(
  path: string,
  outputPath: string,
  request: EmbedRequest,
): Promise<{ encrypted: boolean }> {
  let pdf: PDFDocument;
  try {
    // Loaded despite encryption only to ask whether it is encrypted (pdf-lib's EncryptedPDFError is built so that
    // instanceof cannot recognise it).
    pdf = await PDFDocument.load(await readFile(path), { updateMetadata: false, ignoreEncryption: true });
  } catch (error) {
    throw new PermanentError(`pdf-lib cannot parse the PDF (${(error as Error).message}).`, { cause: error });
  }
  if (pdf.isEncrypted) return { encrypted: true };
  const { metadata } = request;
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
    ...request.custom,
  };
  for (const [key, value] of Object.entries(entries)) {
    if (value !== null) info.set(PDFName.of(key), PDFHexString.fromText(value));
  }
  await writeFile(outputPath, await pdf.save({ updateFieldAppearances: false }));
  return { encrypted: false };
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
