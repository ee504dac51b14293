import { createHash } from 'node:crypto';
import { constants, crc32, createDeflateRaw } from 'node:zlib';
import { PDFDocument, StandardFonts } from 'pdf-lib';

// Documents an attacker or a bad day sends: written byte by byte, so each one is exactly the hostile thing it is
// named after (docs/architecture.md#document-limits).

/** A PDF from numbered object bodies (object 1 is the catalog): header, objects, xref table and trailer. */
export function rawPdf(objects: readonly (string | Buffer)[], trailerExtra = ''): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let length = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(length);
    const object = Buffer.concat([
      Buffer.from(`${index + 1} 0 obj\n`, 'latin1'),
      typeof body === 'string' ? Buffer.from(body, 'latin1') : body,
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    parts.push(object);
    length += object.length;
  });
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n `),
    'trailer',
    `<< /Size ${objects.length + 1} /Root 1 0 R ${trailerExtra}>>`,
    'startxref',
    String(length),
    '%%EOF',
    '',
  ].join('\n');
  parts.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(parts);
}

const stream = (dictionary: string, data: Buffer): Buffer =>
  Buffer.concat([
    Buffer.from(`<< ${dictionary} /Length ${data.length} >>\nstream\n`, 'latin1'),
    data,
    Buffer.from('\nendstream', 'latin1'),
  ]);

/**
 * A one-page PDF whose content stream is `compressedMegabytes` MB of FlateDecode data inflating to about a
 * thousand times as many zero bytes (zero is whitespace to a PDF parser, so a reader reads it all). Built from one
 * compressed megabyte of zeros repeated, each block self-contained after a full flush, so making it costs no
 * gigabytes here.
 */
export async function deflateBombPdf(compressedMegabytes: number): Promise<Buffer> {
  const chunk = Buffer.alloc(1024 * 1024);
  const deflate = createDeflateRaw({ level: 9 });
  const flushed = (): Promise<Buffer> =>
    new Promise((resolve) => {
      const out: Buffer[] = [];
      const onData = (data: Buffer) => out.push(data);
      deflate.on('data', onData);
      deflate.write(chunk);
      deflate.flush(constants.Z_FULL_FLUSH, () => {
        deflate.off('data', onData);
        resolve(Buffer.concat(out));
      });
    });
  const first = await flushed();
  const block = await flushed();
  deflate.close();
  const blocks = Math.max(1, Math.round((compressedMegabytes * 1024 * 1024) / block.length));
  const inflatedBytes = (blocks + 1) * chunk.length;
  // zlib header, the blocks, an empty final stored block, then the Adler-32 of all-zero data.
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((inflatedBytes % 65521) << 16) | 1) >>> 0);
  const data = Buffer.concat([
    Buffer.from([0x78, 0xda]),
    first,
    ...Array.from({ length: blocks }, () => block),
    Buffer.from([0x03, 0x00]),
    adler,
  ]);
  return rawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>',
    stream('/Filter /FlateDecode', data),
  ]);
}

/** The root /Pages node's only kid is a /Pages node whose only kid is the root again. */
export const circularPagesPdf = (): Buffer =>
  rawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>',
  ]);

/** A PDF whose /Count promises pages its page tree does not hold. */
export const lyingPageCountPdf = (): Buffer =>
  rawPdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [] /Count 1000000000 >>']);

const PASSWORD_PADDING = Buffer.from(
  '28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a',
  'hex',
);
const padded = (password: string): Buffer =>
  Buffer.concat([Buffer.from(password, 'latin1'), PASSWORD_PADDING]).subarray(0, 32);
const md5 = (...parts: Buffer[]): Buffer => createHash('md5').update(Buffer.concat(parts)).digest();

/** RC4, written out: OpenSSL 3 keeps it in its legacy provider, which Node does not load. */
function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i += 1) {
    j = (j + s[i]! + key[i % key.length]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n += 1) {
    i = (i + 1) & 255;
    j = (j + s[i]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 255]!;
  }
  return out;
}

/**
 * A one-page text PDF encrypted with the standard security handler (40-bit RC4, revision 2). With an empty user
 * password it opens without one (only the owner password guards permissions, as many bank statements are made);
 * with a user password it cannot be read without it.
 */
export function encryptedPdf(passwords: { user: string; owner: string }): Buffer {
  const id = createHash('md5').update(`steptrail ${passwords.user}/${passwords.owner}`).digest();
  const ownerKey = md5(padded(passwords.owner)).subarray(0, 5);
  const o = rc4(ownerKey, padded(passwords.user));
  const permissions = Buffer.alloc(4);
  permissions.writeInt32LE(-3904); // printing allowed, changing and copying not
  const key = md5(padded(passwords.user), o, permissions, id).subarray(0, 5);
  const u = rc4(key, PASSWORD_PADDING);
  const objectKey = (number: number) =>
    md5(key, Buffer.from([number & 255, (number >> 8) & 255, number >> 16, 0, 0])).subarray(0, 10);
  const lines = ['Statement of account', 'Acme Bank AG', 'Date: 2024-04-30', 'Balance: 1,234.56 EUR'];
  const content = lines.map((line, row) => `BT /F1 14 Tf 60 ${780 - row * 24} Td (${line}) Tj ET`).join('\n');
  const hex = (bytes: Buffer) => `<${bytes.toString('hex')}>`;
  return rawPdf(
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
      stream('', rc4(objectKey(4), Buffer.from(content, 'latin1'))),
      '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
      `<< /Filter /Standard /V 1 /R 2 /O ${hex(o)} /U ${hex(u)} /P -3904 >>`,
    ],
    `/Encrypt 6 0 R /ID [${hex(id)} ${hex(id)}] `,
  );
}

/** A PDF of `pages` pages with a line of text on each, as a long scanned-and-OCRed report looks. */
export async function manyPagesPdf(pages: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let number = 1; number <= pages; number += 1) {
    pdf
      .addPage([595, 842])
      .drawText(`Annual report, page ${number} of ${pages}`, { x: 60, y: 780, size: 12, font });
  }
  return pdf.save();
}

/** A PNG whose header says `width` × `height`, with a tiny (wrong) image body: the header alone is the attack. */
export function hugePng(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8);
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', header), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A PNG cut off inside its header: what a truncated download of an image looks like. */
export function truncatedPng(): Buffer {
  const header = pngChunk('IHDR', Buffer.alloc(13));
  return Buffer.concat([PNG_SIGNATURE, header.subarray(0, 11)]);
}

/** A PNG with a valid header and a damaged image body. */
export function damagedPng(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(400, 0);
  header.writeUInt32BE(300, 4);
  header.writeUInt8(8, 8);
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', Buffer.from('not a deflate stream at all, just words')),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
