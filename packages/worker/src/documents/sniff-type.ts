import { open } from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type';
import type { DocumentKind } from './artifacts.js';

export interface SniffedType {
  mimeType: string;
  extension: string;
  /** Null when the pipeline cannot process this type. */
  kind: DocumentKind | null;
}

/** Image types Tesseract (through Leptonica) reads directly. */
const OCR_IMAGES = new Set(['image/png', 'image/jpeg', 'image/tiff', 'image/bmp', 'image/webp', 'image/gif']);

/** The type from the content's magic bytes, never from the name; text without magic is recognised as UTF-8. */
export async function sniffType(path: string): Promise<SniffedType> {
  const detected = await fileTypeFromFile(path);
  if (detected !== undefined) {
    const kind = detected.mime === 'application/pdf' ? 'pdf' : OCR_IMAGES.has(detected.mime) ? 'image' : null;
    return { mimeType: detected.mime, extension: detected.ext, kind };
  }
  return (await looksLikeText(path))
    ? { mimeType: 'text/plain', extension: 'txt', kind: 'text' }
    : { mimeType: 'application/octet-stream', extension: 'bin', kind: null };
}

/** No NUL byte and valid UTF-8 in the first 64 KiB. */
async function looksLikeText(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead === 0) return false;
    const head = buffer.subarray(0, bytesRead);
    if (head.includes(0)) return false;
    // A multi-byte character cut at the end of the sample is not an error.
    const decoder = new TextDecoder('utf-8', { fatal: true });
    try {
      decoder.decode(head, { stream: true });
      return true;
    } catch {
      return false;
    }
  } finally {
    await handle.close();
  }
}
