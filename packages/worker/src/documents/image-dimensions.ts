import { open } from 'node:fs/promises';

export interface ImageSize {
  width: number;
  height: number;
}

/** Bytes read from the start of an image: headers, and a JPEG's markers up to its frame header, fit in them. */
const HEAD_BYTES = 256 * 1024;

/**
 * The pixel size an image's header declares, read without decoding it (docs/architecture.md#document-limits), or
 * null when the header cannot be read. Covers the types OCR takes: PNG, JPEG, GIF, BMP, WebP and TIFF.
 */
export async function imageSize(path: string, mimeType: string): Promise<ImageSize | null> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, bytesRead);
    const size = READERS[mimeType]?.(head) ?? null;
    return size !== null && size.width > 0 && size.height > 0 ? size : null;
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  } finally {
    await handle.close();
  }
}

// Each reader may read past the end of a truncated header: Buffer's readers throw RangeError, which means null.
const READERS: Record<string, (head: Buffer) => ImageSize | null> = {
  'image/png': (head) =>
    head.toString('latin1', 12, 16) === 'IHDR'
      ? { width: head.readUInt32BE(16), height: head.readUInt32BE(20) }
      : null,
  'image/gif': (head) => ({ width: head.readUInt16LE(6), height: head.readUInt16LE(8) }),
  'image/bmp': (head) => ({ width: Math.abs(head.readInt32LE(18)), height: Math.abs(head.readInt32LE(22)) }),
  'image/webp': webpSize,
  'image/jpeg': jpegSize,
  'image/tiff': tiffSize,
};

function webpSize(head: Buffer): ImageSize | null {
  const chunk = head.toString('latin1', 12, 16);
  if (chunk === 'VP8 ')
    return { width: head.readUInt16LE(26) & 0x3fff, height: head.readUInt16LE(28) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = head.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') return { width: head.readUIntLE(24, 3) + 1, height: head.readUIntLE(27, 3) + 1 };
  return null;
}

/** Walks the JPEG's marker segments to its frame header (SOF0–SOF15 except DHT, JPG and DAC). */
function jpegSize(head: Buffer): ImageSize | null {
  let offset = 2;
  for (;;) {
    if (head[offset] !== 0xff) return null;
    const marker = head[offset + 1]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { height: head.readUInt16BE(offset + 5), width: head.readUInt16BE(offset + 7) };
    offset += 2 + head.readUInt16BE(offset + 2);
  }
}

/** The first image directory's ImageWidth (256) and ImageLength (257) entries. */
function tiffSize(head: Buffer): ImageSize | null {
  const little = head.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number) => (little ? head.readUInt16LE(at) : head.readUInt16BE(at));
  const u32 = (at: number) => (little ? head.readUInt32LE(at) : head.readUInt32BE(at));
  const directory = u32(4);
  const found: Record<number, number> = {};
  for (let entry = 0; entry < u16(directory); entry += 1) {
    const at = directory + 2 + entry * 12;
    const tag = u16(at);
    if (tag === 256 || tag === 257) found[tag] = u16(at + 2) === 3 ? u16(at + 8) : u32(at + 8);
  }
  const width = found[256];
  const height = found[257];
  return width === undefined || height === undefined ? null : { width, height };
}
