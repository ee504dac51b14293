import { z } from 'zod';

// The artifacts the default pipeline's steps leave for each other in a file's work folder, with their schemas.

export const HASH = 'hash.json';
export const hashArtifact = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
});

export const RECORD = 'record.json';
export const documentKind = z.enum(['pdf', 'image', 'text']);
export type DocumentKind = z.infer<typeof documentKind>;
export const recordArtifact = z.object({
  size: z.number().int().nonnegative(),
  mimeType: z.string(),
  extension: z.string(),
  kind: documentKind,
  pageCount: z.number().int().nonnegative().nullable(),
});
export type RecordArtifact = z.infer<typeof recordArtifact>;

export const TEXT_CHECK = 'text-check.json';
export const textCheckArtifact = z.object({
  hasTextLayer: z.boolean(),
  characters: z.number().int().nonnegative(),
  pages: z.number().int().nonnegative().nullable(),
  needsOcr: z.boolean(),
});
export type TextCheckArtifact = z.infer<typeof textCheckArtifact>;

export const TEXT = 'text.txt';
/** The PDF's text layer as check_text read it, so extract_text need not read the PDF again. */
export const TEXT_LAYER = 'text-layer.txt';
export const OCR_TEXT = 'ocr.txt';

export const METADATA = 'metadata.json';

export const STAMPED_PDF = 'document.pdf';

export const STORED = 'stored.json';
export const storedArtifact = z.object({
  path: z.string(),
  name: z.string(),
  /** 'moving' while the move is under way, so a re-run can tell its own half-finished move from a name clash. */
  state: z.enum(['moving', 'done']),
});
export type StoredArtifact = z.infer<typeof storedArtifact>;

/** The artifact a step needs from an earlier one; its absence means the pipeline ran out of order. */
export async function required<T>(value: Promise<T | null>, what: string): Promise<T> {
  const result = await value;
  if (result === null)
    throw new Error(`${what} is missing: the step that writes it has not run for this file.`);
  return result;
}
